// The attachment fetcher (attachment_fetcher.h).
#include "api/attachment_fetcher.h"

#include <boost/url.hpp>
#include <cstdio>

#include "api/handlers.h"
#include "api/outbound.h"
#include "api/webhooks.h"
#include "common/limits.h"
#include "engine/attachment_files.h"
#include "engine/record_writer.h"

namespace airbase::api {

namespace {

constexpr int64_t kLeaseMs = (kAttachmentFetchTimeoutSeconds + 60) * 1000LL;

// The MIME type of a Content-Type header (parameters dropped, lower-cased); "" when none.
std::string MimeOf(std::string_view header) {
  std::string out(header.substr(0, header.find(';')));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  while (!out.empty() && (out.front() == ' ' || out.front() == '\t')) out.erase(0, 1);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.size() > kMaxNameLength || out.find('/') == std::string::npos) return "";
  return out;
}

}  // namespace

AttachmentFetcher::Download AttachmentFetcher::Fetch(const std::string& url, bool allow_private) {
  Download out;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(kAttachmentFetchTimeoutSeconds);
  std::string at = url;
  for (int hop = 0;; ++hop) {
    auto dest = ResolveDestination(at, allow_private, "The attachment's url");
    if (!dest.ok()) {
      out.error = dest.status().message();
      out.retry = dest.status().code() == ErrorCode::kRetriable;
      return out;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      out.error = "The download timed out";
      out.retry = true;
      return out;
    }
    GetResult got = Get(*dest, left, kMaxFetchedFileBytes);
    if (!got.error.empty()) {
      out.error = got.error;
      out.retry = got.error.find("larger than the limit") == std::string::npos;
      return out;
    }
    if (got.status >= 300 && got.status < 400 && got.status != 304 && !got.location.empty()) {
      if (hop >= kMaxAttachmentRedirects) {
        out.error = "The attachment's url redirected more than " +
                    std::to_string(kMaxAttachmentRedirects) + " times";
        return out;
      }
      // A relative Location resolves against the URL that answered.
      auto base = boost::urls::parse_absolute_uri(at);
      auto ref = boost::urls::parse_uri_reference(got.location);
      if (!base || !ref) {
        out.error = "The attachment's url redirected to a malformed location";
        return out;
      }
      boost::urls::url next;
      if (!boost::urls::resolve(*base, *ref, next)) {
        out.error = "The attachment's url redirected to a malformed location";
        return out;
      }
      at = std::string(next.buffer());
      continue;
    }
    if (got.status < 200 || got.status > 299) {
      out.error = "The attachment's url answered with status " + std::to_string(got.status);
      out.retry = got.status >= 500 || got.status == 429;
      return out;
    }
    out.type = MimeOf(got.content_type);
    if (out.type.empty()) out.type = "application/octet-stream";
    out.bytes = std::move(got.body);
    return out;
  }
}

AttachmentFetcher::AttachmentFetcher(const Services* svc, int threads) : svc_(svc) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i == 0); });
}

AttachmentFetcher::~AttachmentFetcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void AttachmentFetcher::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  cv_.notify_one();
}

int64_t AttachmentFetcher::Tick() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start_)
      .count();
}

void AttachmentFetcher::Run(bool first) {
  // Files no cell names are swept hourly by one server of a fleet; each server asks every 5
  // minutes, so a server that dies delays the next run by no more than that.
  constexpr int64_t kSweepEveryMs = 3600 * 1000, kAskEveryMs = 300 * 1000;
  int64_t next_sweep = first ? 0 : INT64_MAX;
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (Tick() >= next_sweep) {
      lock.unlock();
      const int64_t now = svc_->clock->NowMs();
      if (auto mine = svc_->store->ClaimJob("sweep_orphan_files", now, kSweepEveryMs);
          mine.ok() && *mine) {
        auto removed = engine::SweepOrphanFiles(*svc_->store, now, kOrphanFileGraceMs);
        if (!removed.ok())
          std::fprintf(stderr, "attachments: the orphan sweep failed: %s\n",
                       removed.status().message().c_str());
      }
      lock.lock();
      next_sweep = Tick() + kAskEveryMs;
      continue;  // stop_ may have been set (and its wake-up missed) while the lock was free
    }
    const uint64_t seen = wakes_;
    lock.unlock();
    auto claim = svc_->store->ClaimAttachmentFetch(svc_->clock->NowMs(), kLeaseMs);
    if (claim.ok() && *claim) {
      Wake();  // more may be due: another idle thread looks meanwhile
      FetchOne(**claim);
      lock.lock();
      continue;
    }
    // Nothing due: sleep until the next fetch falls due or a write here queues one. Fetches
    // queued by another server, or left by one that died, are found by the first thread's
    // polling.
    int64_t wait_ms = first ? kWebhookPollMs : 3600 * 1000;
    if (claim.ok()) {
      auto next = svc_->store->NextAttachmentFetchMs();
      if (next.ok() && *next != INT64_MAX)
        wait_ms = std::clamp<int64_t>(*next - svc_->clock->NowMs(), 1, wait_ms);
    }
    lock.lock();
    wait_ms = std::min(wait_ms, std::max<int64_t>(next_sweep - Tick(), 0));
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stop_ || wakes_ != seen; });
  }
}

void AttachmentFetcher::FetchOne(const AttachmentFetch& fetch) {
  auto release = [&](int tries, int64_t at_ms) {
    if (Status st = svc_->store->ReleaseAttachmentFetch(fetch.attachment_id, tries, at_ms);
        !st.ok())
      std::fprintf(stderr, "attachments: could not release a fetch: %s\n", st.message().c_str());
  };
  Download d = Fetch(fetch.url, AllowPrivateDestinations(*svc_->store));
  if (!d.error.empty()) {
    const int tries = fetch.tries + 1;
    if (d.retry && tries < kAttachmentFetchTries)
      return release(tries, svc_->clock->NowMs() + (kAttachmentFetchRetryMs << (tries - 1)));
    // Given up: the item goes, as on Airtable (the URL is not logged: it may carry a secret).
    std::fprintf(stderr, "attachments: %s dropped: %s\n", fetch.attachment_id.c_str(),
                 d.error.c_str());
    if (Status st = Apply(fetch, nullptr); !st.ok()) return;  // the lease runs out; tried again
    return release(tries, -1);
  }
  // The bytes are durable before the cell names them (a crash in between leaves a file no cell
  // names, removed by the orphan sweep).
  auto item = engine::StoreFile(svc_->store->Blobs(), *svc_->ids, d.bytes, "", d.type);
  if (!item.ok()) return;  // the lease runs out and the fetch is tried again
  item->id = fetch.attachment_id;
  if (Status st = Apply(fetch, &*item); !st.ok()) {
    std::fprintf(stderr, "attachments: could not store %s: %s\n", fetch.attachment_id.c_str(),
                 st.message().c_str());
    return;
  }
  release(fetch.tries, -1);
}

Status AttachmentFetcher::Apply(const AttachmentFetch& fetch, const attachments::Item* item) {
  ASSIGN_OR_RETURN(auto schema, svc_->store->LoadSchema(fetch.base_id));
  if (!schema) return Status::Ok();  // the base is gone, and the cell with it
  const Table* table = schema->FindTable(fetch.table_id);
  const Field* field = table ? table->FindField(fetch.field_id) : nullptr;
  if (!field || field->type != FieldType::kMultipleAttachments) return Status::Ok();

  // The write acts for the user who named the URL, through the path every write takes, so
  // webhooks see the item change as Airtable's do.
  Request req;
  TokenRecord who;
  who.user_id = fetch.user_id;
  Call c{*svc_, req, Query(), {}, Principal::ForToken(who), Role::kEdit, schema, nullptr};
  engine::CellEncoder enc(*table, svc_->ids, false);
  const Field* f = enc.table().FindField(field->id);
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, engine::RecordWriter::Begin(
                                    {svc_->store, schema, svc_->clock, svc_->ids, fetch.user_id},
                                    enc, {&changes}));
  ASSIGN_OR_RETURN(auto old, writer->ReadCell(fetch.record_id, *f));
  if (!old || IsEmptyCell(*f, *old)) return Status::Ok();  // the record or the item is gone
  std::vector<attachments::Item> items = attachments::Parse(std::get<std::string>(*old));
  bool found = false;
  std::vector<attachments::Item> out;
  for (attachments::Item& it : items) {
    if (it.id != fetch.attachment_id || !attachments::IsPending(it)) {
      out.push_back(std::move(it));
      continue;
    }
    found = true;
    if (!item) continue;
    attachments::Item whole = *item;
    whole.filename = it.filename;
    out.push_back(std::move(whole));
  }
  if (!found) return Status::Ok();  // removed from the cell meanwhile
  engine::Cells cells;
  cells.emplace_back(f, out.empty() ? SqlValue{} : SqlValue{attachments::Serialize(out)});
  ASSIGN_OR_RETURN(bool updated, writer->Update(fetch.record_id, std::move(cells)));
  if (!updated) return Status::Ok();
  RETURN_IF_ERROR(writer->Commit());
  return Status::Ok();
}

}  // namespace airbase::api
