// The webhook endpoints (airtable-api.md §9): create (the MAC secret shown once), list, delete,
// refresh, enable/disable notifications, list payloads by cursor; record changes turned into
// payloads; and pings to notification URLs signed with X-Airtable-Content-MAC.
#include "api/webhooks.h"

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url.hpp>
#include <chrono>
#include <cstdio>
#include <set>

#include "api/outbound.h"
#include "auth/scopes.h"
#include "common/crypto.h"
#include "common/limits.h"
#include "common/metrics.h"
#include "common/time_util.h"
#include "engine/linked_records.h"
#include "schema/collaborators.h"

namespace airbase::api {

using engine::LinkNames;

namespace {

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

constexpr int64_t kWeekMs = 7LL * 24 * 3600 * 1000;

const std::set<std::string_view> kDataTypes = {"tableData", "tableFields", "tableMetadata"};
const std::set<std::string_view> kChangeTypes = {"add", "remove", "update"};
const std::set<std::string_view> kSources = {
    "client", "publicApi",     "formSubmission", "formPageSubmission", "automation", "system",
    "sync",   "anonymousUser", "unknown"};

std::vector<std::string> StringArray(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const json::value& e : v->as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

// A specification read back from its stored JSON (validated when the hook was created).
struct Spec {
  std::set<std::string> data_types;
  std::string scope_table;             // empty: every table
  std::set<std::string> change_types;  // empty: all
  std::set<std::string> sources;       // empty: all
  std::set<std::string> watch_fields;  // empty: all
  bool include_all_cells = false;
  std::set<std::string> include_cells;
  bool include_previous = false;
  std::set<std::string> watch_schemas;  // empty: all fields
  bool include_previous_fields = false;
};

const json::object* Member(const json::object* o, const char* key) {
  const json::value* v = o ? o->if_contains(key) : nullptr;
  return v && v->is_object() ? &v->as_object() : nullptr;
}

Spec ReadSpec(const json::object& spec, const BaseSchema& schema) {
  Spec s;
  const json::object* options = Member(&spec, "options");
  const json::object* filters = Member(options, "filters");
  const json::object* includes = Member(options, "includes");
  for (auto& t : StringArray(filters ? filters->if_contains("dataTypes") : nullptr))
    s.data_types.insert(t);
  if (const json::value* scope = filters ? filters->if_contains("recordChangeScope") : nullptr;
      scope && scope->is_string()) {
    std::string_view id = scope->as_string();
    for (const Table& t : schema.tables) {
      if (t.id == id) s.scope_table = t.id;
      for (const View& v : t.views)
        if (v.id == id) s.scope_table = t.id;
    }
  }
  for (auto& t : StringArray(filters ? filters->if_contains("changeTypes") : nullptr))
    s.change_types.insert(t);
  for (auto& t : StringArray(filters ? filters->if_contains("fromSources") : nullptr))
    s.sources.insert(t);
  for (auto& t : StringArray(filters ? filters->if_contains("watchDataInFieldIds") : nullptr))
    s.watch_fields.insert(t);
  if (const json::value* cells =
          includes ? includes->if_contains("includeCellValuesInFieldIds") : nullptr) {
    if (cells->is_string() && cells->as_string() == "all") s.include_all_cells = true;
    for (auto& t : StringArray(cells)) s.include_cells.insert(t);
  }
  if (const json::value* prev =
          includes ? includes->if_contains("includePreviousCellValues") : nullptr;
      prev && prev->is_bool())
    s.include_previous = prev->as_bool();
  for (auto& t : StringArray(filters ? filters->if_contains("watchSchemasOfFieldIds") : nullptr))
    s.watch_schemas.insert(t);
  if (const json::value* prev =
          includes ? includes->if_contains("includePreviousFieldDefinitions") : nullptr;
      prev && prev->is_bool())
    s.include_previous_fields = prev->as_bool();
  return s;
}

// Checks a create body's specification against the base; the message says what is wrong.
Status CheckSpec(const json::value* spec, const BaseSchema& schema, const Principal& principal) {
  if (!spec || !spec->is_object()) return Invalid("specification is required");
  const json::object* options = Member(&spec->as_object(), "options");
  const json::object* filters = Member(options, "filters");
  if (!filters) return Invalid("specification.options.filters is required");
  const json::value* types = filters->if_contains("dataTypes");
  if (!types || !types->is_array() || types->as_array().empty())
    return Invalid("filters.dataTypes must list tableData, tableFields or tableMetadata");
  for (const json::value& t : types->as_array()) {
    if (!t.is_string() || !kDataTypes.count(std::string_view(t.as_string())))
      return Invalid("filters.dataTypes must list tableData, tableFields or tableMetadata");
    // Watching data needs the scope to read it (airtable-api.md §9).
    std::string_view need = t.as_string() == "tableData" ? scope::kRecordsRead : scope::kSchemaRead;
    if (!principal.HasScope(need)) return Error(ErrorCode::kPermissionsOrNotFound);
  }
  const Table* scope_table = nullptr;
  if (const json::value* scope = filters->if_contains("recordChangeScope");
      scope && !scope->is_null()) {
    if (!scope->is_string()) return Invalid("filters.recordChangeScope must be a table or view id");
    for (const Table& t : schema.tables) {
      if (t.id == scope->as_string()) scope_table = &t;
      for (const View& v : t.views)
        if (v.id == scope->as_string()) scope_table = &t;
    }
    if (!scope_table)
      return Invalid("filters.recordChangeScope names no table or view of this base");
  }
  auto check_set = [&](const char* key, const std::set<std::string_view>& allowed) -> Status {
    const json::value* v = filters->if_contains(key);
    if (!v || v->is_null()) return Status::Ok();
    if (!v->is_array()) return Invalid(std::string("filters.") + key + " must be an array");
    for (const json::value& e : v->as_array())
      if (!e.is_string() || !allowed.count(std::string_view(e.as_string())))
        return Invalid(std::string("filters.") + key + " holds an unknown value");
    return Status::Ok();
  };
  RETURN_IF_ERROR(check_set("changeTypes", kChangeTypes));
  RETURN_IF_ERROR(check_set("fromSources", kSources));
  auto field_known = [&](std::string_view id) {
    for (const Table& t : schema.tables)
      if ((!scope_table || &t == scope_table) && t.FindField(id) && IsId(id, "fld")) return true;
    return false;
  };
  for (const char* key : {"watchDataInFieldIds", "watchSchemasOfFieldIds"}) {
    const json::value* v = filters->if_contains(key);
    if (!v || v->is_null()) continue;
    if (!v->is_array()) return Invalid(std::string("filters.") + key + " must be an array");
    for (const json::value& e : v->as_array())
      if (!e.is_string() || !field_known(e.as_string()))
        return Invalid(std::string("filters.") + key + " names an unknown field");
  }
  if (const json::object* includes = Member(options, "includes")) {
    if (const json::value* cells = includes->if_contains("includeCellValuesInFieldIds");
        cells && !cells->is_null()) {
      bool all = cells->is_string() && cells->as_string() == "all";
      if (!all && !cells->is_array())
        return Invalid("includes.includeCellValuesInFieldIds must be \"all\" or field ids");
      if (!all)
        for (const json::value& e : cells->as_array())
          if (!e.is_string() || !field_known(e.as_string()))
            return Invalid("includes.includeCellValuesInFieldIds names an unknown field");
    }
    for (const char* key : {"includePreviousCellValues", "includePreviousFieldDefinitions"})
      if (const json::value* b = includes->if_contains(key); b && !b->is_null() && !b->is_bool())
        return Invalid(std::string("includes.") + key + " must be a boolean");
  }
  return Status::Ok();
}

Result<WebhookRecord> OwnHook(Call& c, const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<WebhookRecord> hook, c.svc.store->FindWebhook(id));
  if (!hook || hook->base_id != c.schema->base.id) return Error(ErrorCode::kPermissionsOrNotFound);
  return *hook;
}

json::value TimeOrNull(int64_t ms) {
  return ms ? json::value(FormatIsoMs(ms)) : json::value(nullptr);
}

// V2 cell values (§9.5): selects as {id, name, color?}, links as {id, name}, collaborators with
// their permissionLevel; everything else as in V1.
json::value CellV2(const Field& f, const SqlValue& v, LinkNames* names = nullptr) {
  if (IsEmptyCell(f, v)) return nullptr;
  auto choice = [&](std::string_view id) -> json::value {
    const Choice* c = f.ChoiceById(id);
    if (!c) return nullptr;
    json::object o{{"id", c->id}, {"name", c->name}};
    if (!c->color.empty()) o["color"] = c->color;
    return o;
  };
  if (f.type == FieldType::kSingleSelect) return choice(std::get<std::string>(v));
  if (f.type == FieldType::kMultipleRecordLinks) {
    json::array out;  // V2 links are {id, name} (the linked record's primary text)
    std::string_view recs = std::get<std::string>(v);
    while (!recs.empty()) {
      size_t comma = recs.find(',');
      std::string id(recs.substr(0, comma));
      json::object link{{"id", id}};
      if (names) link["name"] = names->NameOf(f, id);
      out.push_back(std::move(link));
      recs = comma == std::string_view::npos ? std::string_view() : recs.substr(comma + 1);
    }
    return out;
  }
  if (HoldsPeople(f.type)) {
    // V2 collaborators carry the user's permission level on the base now (§9.5).
    json::array out;
    for (const collaborators::Person& p : collaborators::Parse(std::get<std::string>(v))) {
      json::object o{{"id", p.id}, {"email", p.email}, {"name", p.name}};
      if (names) o["permissionLevel"] = PermissionLevel(names->RoleOf(p.id));
      out.push_back(std::move(o));
    }
    if (KindOf(f.type) == CellKind::kPeople) return out;
    return out.empty() ? json::value(nullptr) : out[0];
  }
  if (f.type == FieldType::kMultipleSelects) {
    json::array out;
    std::string_view ids = std::get<std::string>(v);
    while (!ids.empty()) {
      size_t comma = ids.find(',');
      json::value one = choice(ids.substr(0, comma));
      if (!one.is_null()) out.push_back(std::move(one));
      ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
    }
    return out;
  }
  return CellToJson(f, v);
}

// Who made a change (§9.5 actionMetadata): the web app is the "client", tokens the "publicApi".
Result<json::object> ActionMetadata(Call& c) {
  ASSIGN_OR_RETURN(std::optional<User> user, c.svc.store->FindUser(c.principal.user_id()));
  json::object who{{"id", c.principal.user_id()},
                   {"email", user ? user->email : ""},
                   {"permissionLevel", PermissionLevel(c.role)}};
  if (user) who["name"] = user->name;
  return json::object{{"source", c.principal.IsSession() ? "client" : "publicApi"},
                      {"sourceMetadata", json::object{{"user", std::move(who)}}}};
}

std::string SourceOf(const Call& c) { return c.principal.IsSession() ? "client" : "publicApi"; }

// The base's webhooks that are live, with their specifications read.
Result<std::vector<std::pair<WebhookRecord, Spec>>> LiveHooks(Call& c) {
  ASSIGN_OR_RETURN(auto hooks, c.svc.store->ListWebhooks(c.schema->base.id));
  const int64_t now = c.svc.clock->NowMs();
  std::vector<std::pair<WebhookRecord, Spec>> out;
  for (WebhookRecord& h : hooks) {
    if (h.expires_ms <= now) continue;
    auto parsed = ParseJson(h.specification);
    if (!parsed.ok() || !parsed->is_object()) continue;
    Spec spec = ReadSpec(parsed->as_object(), *c.schema);
    if (!spec.sources.empty() && !spec.sources.count(SourceOf(c))) continue;
    out.emplace_back(std::move(h), std::move(spec));
  }
  return out;
}

}  // namespace

// ---- endpoints ---------------------------------------------------------------------------------

Result<std::string> CreateWebhook(Call& c) {
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  for (const auto& [k, v] : body)
    if (k != "notificationUrl" && k != "specification")
      return Invalid("Unknown key \"" + std::string(k) + "\"");
  RETURN_IF_ERROR(CheckSpec(body.if_contains("specification"), *c.schema, c.principal));
  WebhookRecord hook;
  if (const json::value* url = body.if_contains("notificationUrl"); url && !url->is_null()) {
    if (!url->is_string()) return Invalid("notificationUrl must be an http or https URL");
    // Refused when it names (or resolves to) a non-public address; a name that does not resolve
    // now is accepted and checked again at every ping.
    auto dest = ResolveDestination(url->as_string(), AllowPrivateDestinations(*c.svc.store));
    if (!dest.ok() && dest.status().code() != ErrorCode::kRetriable) return dest.status();
    hook.notification_url = url->as_string();
  }
  ASSIGN_OR_RETURN(auto existing, c.svc.store->ListWebhooks(c.schema->base.id));
  if (existing.size() >= static_cast<size_t>(kMaxWebhooksPerBase))
    return Invalid("A base has at most " + std::to_string(kMaxWebhooksPerBase) + " webhooks");
  const int64_t now = c.svc.clock->NowMs();
  hook.id = c.svc.ids->Next("ach");
  hook.base_id = c.schema->base.id;
  hook.user_id = c.principal.user_id();
  hook.specification = json::serialize(body.at("specification"));
  hook.mac_secret.resize(32);
  RandomBytes(reinterpret_cast<unsigned char*>(hook.mac_secret.data()), hook.mac_secret.size());
  hook.notifications_enabled = !hook.notification_url.empty();
  hook.created_ms = now;
  hook.expires_ms = now + kWeekMs;
  RETURN_IF_ERROR(c.svc.store->CreateWebhook(hook));
  return json::serialize(json::object{{"id", hook.id},
                                      {"macSecretBase64", Base64Encode(hook.mac_secret)},
                                      {"expirationTime", FormatIsoMs(hook.expires_ms)}});
}

Result<std::string> ListWebhooks(Call& c) {
  ASSIGN_OR_RETURN(auto hooks, c.svc.store->ListWebhooks(c.schema->base.id));
  const int64_t now = c.svc.clock->NowMs();
  json::array out;
  for (const WebhookRecord& h : hooks) {
    json::value last = nullptr;
    if (auto parsed = ParseJson(h.last_result); !h.last_result.empty() && parsed.ok())
      last = std::move(*parsed);
    json::value spec = json::object();
    if (auto parsed = ParseJson(h.specification); parsed.ok()) spec = std::move(*parsed);
    out.push_back(json::object{
        {"id", h.id},
        {"areNotificationsEnabled", h.notifications_enabled},
        {"cursorForNextPayload", h.next_cursor},
        {"isHookEnabled", h.expires_ms > now},
        {"expirationTime", FormatIsoMs(h.expires_ms)},
        {"notificationUrl",
         h.notification_url.empty() ? json::value(nullptr) : json::value(h.notification_url)},
        {"lastSuccessfulNotificationTime", TimeOrNull(h.last_success_ms)},
        {"lastNotificationResult", std::move(last)},
        {"specification", std::move(spec)}});
  }
  return json::serialize(json::object{{"webhooks", std::move(out)}});
}

Result<std::string> DeleteWebhook(Call& c, const std::string& id) {
  ASSIGN_OR_RETURN(WebhookRecord hook, OwnHook(c, id));
  RETURN_IF_ERROR(c.svc.store->DeleteWebhook(hook.id));
  return std::string("{}");
}

Result<std::string> RefreshWebhook(Call& c, const std::string& id) {
  ASSIGN_OR_RETURN(WebhookRecord hook, OwnHook(c, id));
  const int64_t now = c.svc.clock->NowMs();
  if (hook.expires_ms <= now) return Invalid("This webhook has expired; create a new one");
  hook.expires_ms = now + kWeekMs;
  RETURN_IF_ERROR(c.svc.store->SaveWebhookState(hook));
  return json::serialize(json::object{{"expirationTime", FormatIsoMs(hook.expires_ms)}});
}

Result<std::string> EnableWebhookNotifications(Call& c, const std::string& id) {
  ASSIGN_OR_RETURN(WebhookRecord hook, OwnHook(c, id));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  const json::value* enable = body.if_contains("enable");
  if (!enable || !enable->is_bool()) return Invalid("Give {\"enable\": true | false}");
  hook.notifications_enabled = enable->as_bool();
  RETURN_IF_ERROR(c.svc.store->SaveWebhookState(hook));
  return std::string("{}");
}

Result<std::string> ListWebhookPayloads(Call& c, const std::string& id) {
  ASSIGN_OR_RETURN(WebhookRecord hook, OwnHook(c, id));
  auto number = [&](const char* key, int64_t fallback, int64_t lo, int64_t hi) -> Result<int64_t> {
    auto v = c.query.Get(key);
    if (!v) return fallback;
    char* end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || n < lo || n > hi)
      return Invalid(std::string(key) + " must be an integer from " + std::to_string(lo) + " to " +
                     std::to_string(hi));
    return static_cast<int64_t>(n);
  };
  ASSIGN_OR_RETURN(int64_t cursor, number("cursor", 1, 1, int64_t{1} << 52));
  ASSIGN_OR_RETURN(int64_t limit,
                   number("limit", kMaxWebhookPayloadsPerPage, 1, kMaxWebhookPayloadsPerPage));
  ASSIGN_OR_RETURN(auto rows,
                   c.svc.store->ListWebhookPayloads(hook.id, cursor, static_cast<int>(limit + 1)));
  const bool more = static_cast<int64_t>(rows.size()) > limit;
  if (more) rows.pop_back();
  json::array payloads;
  for (const WebhookPayload& p : rows) {
    json::object o{{"timestamp", FormatIsoMs(p.created_ms)},
                   {"baseTransactionNumber", p.txn},
                   {"payloadFormat", "v0"}};
    if (auto body = ParseJson(p.body); body.ok() && body->is_object())
      for (auto& [k, v] : body->as_object()) o[k] = v;
    payloads.push_back(std::move(o));
  }
  const int64_t now = c.svc.clock->NowMs();
  if (hook.expires_ms > now) {  // reading payloads keeps an active hook alive (§9.4)
    hook.expires_ms = now + kWeekMs;
    RETURN_IF_ERROR(c.svc.store->SaveWebhookState(hook));
  }
  return json::serialize(json::object{{"cursor", rows.empty() ? cursor : rows.back().cursor + 1},
                                      {"mightHaveMore", more},
                                      {"payloads", std::move(payloads)}});
}

// ---- record changes into payloads ---------------------------------------------------------------

struct RecordChanges::Hook {
  WebhookRecord record;
  Spec spec;
};

Result<RecordChanges> RecordChanges::Begin(Call& c, const Table& table) {
  RecordChanges out;
  out.call_ = &c;
  ASSIGN_OR_RETURN(auto hooks, LiveHooks(c));
  for (auto& [h, spec] : hooks) {
    if (!spec.data_types.count("tableData")) continue;
    if (!spec.scope_table.empty() && spec.scope_table != table.id) continue;
    out.hooks_.push_back(std::make_shared<Hook>(Hook{std::move(h), std::move(spec)}));
  }
  return out;
}

Status RecordChanges::Before(Call& c, const Table& table, const std::vector<std::string>& ids) {
  if (!active() || ids.empty()) return Status::Ok();
  std::vector<const Field*> fields;
  for (const Field& f : table.fields) fields.push_back(&f);
  ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(table, fields, ids));
  for (StoredRecord& r : rows) before_[r.id] = std::move(r.cells);
  return Status::Ok();
}

void RecordChanges::OnChange(const engine::ChangeEvent& e) {
  switch (e.kind) {
    case engine::ChangeEvent::Kind::kCreated:
      return Created(e.record_id, e.at_ms, e.cells);
    case engine::ChangeEvent::Kind::kUpdated:
      return Updated(e.record_id, e.cells);
    case engine::ChangeEvent::Kind::kDestroyed:
      return Destroyed(e.record_id);
  }
}

Status RecordChanges::BeforeCommit(const Table& table, WriteTxn& txn) {
  ASSIGN_OR_RETURN(notify_, Finish(*call_, table, txn));
  return Status::Ok();
}

void RecordChanges::AfterCommit() {
  if (call_->svc.notifier && !notify_.empty()) call_->svc.notifier->Wake();
}

void RecordChanges::Created(const std::string& id, int64_t created_ms,
                            const std::vector<std::pair<const Field*, SqlValue>>& cells) {
  if (active()) created_.push_back(WrittenRecord{id, created_ms, cells});
}

void RecordChanges::Updated(const std::string& id,
                            const std::vector<std::pair<const Field*, SqlValue>>& cells) {
  if (active()) updated_.push_back(WrittenRecord{id, 0, cells});
}

void RecordChanges::Destroyed(const std::string& id) {
  if (active()) destroyed_.push_back(id);
}

namespace {

int FieldIndex(const Table& table, const std::string& field_id) {
  for (size_t i = 0; i < table.fields.size(); ++i)
    if (table.fields[i].id == field_id) return static_cast<int>(i);
  return -1;
}

// The written field as it is now (typecast may have added choices to it).
const Field& AsWritten(const Table& table, const Field* f) {
  int i = FieldIndex(table, f->id);
  return i >= 0 ? table.fields[static_cast<size_t>(i)] : *f;
}

// createdRecordsById: each created record's time and non-empty cells.
json::object CreatedRecordsJson(const std::vector<WrittenRecord>& created, const Table& table,
                                LinkNames& names) {
  json::object out;
  for (const WrittenRecord& r : created) {
    json::object cells;
    for (const auto& [f, v] : r.cells)
      if (!IsEmptyCell(*f, v))
        cells[AsWritten(table, f).id] = CellV2(AsWritten(table, f), v, &names);
    out[r.id] = json::object{{"createdTime", FormatIsoMs(r.created_ms)},
                             {"cellValuesByFieldId", std::move(cells)}};
  }
  return out;
}

// One changedRecordsById entry for a webhook's spec: the cells that changed (and, as the spec
// asks, their previous values and the unchanged cells), or nothing when no watched cell changed.
// `old` is the record's stored cells (table order) before the write, when known.
std::optional<json::object> ChangedRecordJson(const Spec& s, const WrittenRecord& u,
                                              const std::vector<SqlValue>* old, const Table& table,
                                              LinkNames& names) {
  json::object now_cells, prev_cells;
  std::set<std::string> touched;
  for (const auto& [f, v] : u.cells) {
    int i = FieldIndex(table, f->id);
    const SqlValue* was = old && i >= 0 ? &(*old)[static_cast<size_t>(i)] : nullptr;
    if (was && *was == v) continue;
    if (!s.watch_fields.empty() && !s.watch_fields.count(f->id)) continue;
    touched.insert(f->id);
    now_cells[f->id] = CellV2(AsWritten(table, f), v, &names);
    if (was) prev_cells[f->id] = CellV2(AsWritten(table, f), *was, &names);
  }
  if (touched.empty()) return std::nullopt;
  json::object change{{"current", json::object{{"cellValuesByFieldId", std::move(now_cells)}}}};
  if (s.include_previous)
    change["previous"] = json::object{{"cellValuesByFieldId", std::move(prev_cells)}};
  if ((s.include_all_cells || !s.include_cells.empty()) && old) {
    json::object same;
    for (size_t i = 0; i < table.fields.size(); ++i) {
      const Field& f = table.fields[i];
      if (touched.count(f.id) || IsComputed(f.type)) continue;
      if (!s.include_all_cells && !s.include_cells.count(f.id)) continue;
      if (!IsEmptyCell(f, (*old)[i])) same[f.id] = CellV2(f, (*old)[i], &names);
    }
    change["unchanged"] = json::object{{"cellValuesByFieldId", std::move(same)}};
  }
  return change;
}

}  // namespace

Result<std::vector<std::string>> RecordChanges::Finish(Call& c, const Table& table, WriteTxn& txn) {
  std::vector<std::string> notified;
  if (!active()) return notified;
  ASSIGN_OR_RETURN(json::object action, ActionMetadata(c));
  LinkNames names(c.svc.store, c.schema);

  std::vector<std::pair<std::string, std::string>> payloads;
  for (const auto& hook : hooks_) {
    const Spec& s = hook->spec;
    auto wants = [&](const char* type) {
      return s.change_types.empty() || s.change_types.count(type);
    };
    json::object tbl;
    if (wants("add") && !created_.empty())
      tbl["createdRecordsById"] = CreatedRecordsJson(created_, table, names);
    if (wants("update")) {
      json::object changed;
      for (const WrittenRecord& u : updated_) {
        auto old = before_.find(u.id);
        if (auto change = ChangedRecordJson(s, u, old != before_.end() ? &old->second : nullptr,
                                            table, names))
          changed[u.id] = std::move(*change);
      }
      if (!changed.empty()) tbl["changedRecordsById"] = std::move(changed);
    }
    if (wants("remove") && !destroyed_.empty()) {
      json::array gone;
      for (const std::string& id : destroyed_) gone.emplace_back(id);
      tbl["destroyedRecordIds"] = std::move(gone);
    }
    if (tbl.empty()) continue;
    json::object body{{"actionMetadata", action},
                      {"changedTablesById", json::object{{table.id, std::move(tbl)}}}};
    payloads.emplace_back(hook->record.id, json::serialize(body));
    if (hook->record.notifications_enabled && !hook->record.notification_url.empty())
      notified.push_back(hook->record.id);
  }
  RETURN_IF_ERROR(txn.AppendWebhookPayloads(payloads, c.svc.clock->NowMs()));
  RETURN_IF_ERROR(txn.QueueWebhookPings(notified, c.svc.clock->NowMs()));
  return notified;
}

void RecordSchemaChange(Call& c, const SchemaChange& change) {
  auto run = [&]() -> Status {
    ASSIGN_OR_RETURN(auto hooks, LiveHooks(c));
    if (hooks.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(json::object action, ActionMetadata(c));
    const bool table_level = change.what == SchemaChange::What::kTable;
    std::vector<std::pair<std::string, std::string>> payloads;
    std::vector<std::string> notify;
    for (auto& [hook, s] : hooks) {
      if (!s.change_types.empty() && !s.change_types.count(change.change_type)) continue;
      json::object body{{"actionMetadata", action}};
      if (table_level && change.change_type != "update") {
        // A table created or destroyed concerns hooks that watch schemas, unless scoped elsewhere.
        if (!s.data_types.count("tableMetadata") && !s.data_types.count("tableFields")) continue;
        if (!s.scope_table.empty() && s.scope_table != change.table_id) continue;
        if (change.change_type == "add")
          body["createdTablesById"] =
              json::object{{change.table_id, json::object{{"metadata", change.current},
                                                          {"fieldsById", change.fields_by_id},
                                                          {"recordsById", json::object()}}}};
        else
          body["destroyedTableIds"] = json::array{json::value(change.table_id)};
      } else {
        if (!s.data_types.count(table_level ? "tableMetadata" : "tableFields")) continue;
        if (!s.scope_table.empty() && s.scope_table != change.table_id) continue;
        if (!table_level && !s.watch_schemas.empty() && !s.watch_schemas.count(change.field_id))
          continue;
        json::object tbl;
        if (table_level) {
          tbl["changedMetadata"] =
              json::object{{"current", change.current}, {"previous", change.previous}};
        } else if (change.change_type == "add") {
          tbl["createdFieldsById"] = json::object{{change.field_id, change.current}};
        } else if (change.change_type == "remove") {
          tbl["destroyedFieldIds"] = json::array{json::value(change.field_id)};
        } else {
          json::object one{{"current", change.current}};
          if (s.include_previous_fields) one["previous"] = change.previous;
          tbl["changedFieldsById"] = json::object{{change.field_id, std::move(one)}};
        }
        body["changedTablesById"] = json::object{{change.table_id, std::move(tbl)}};
      }
      payloads.emplace_back(hook.id, json::serialize(body));
      if (hook.notifications_enabled && !hook.notification_url.empty()) notify.push_back(hook.id);
    }
    if (payloads.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(auto txn, c.svc.store->BeginWrite(c.schema->base.id));
    RETURN_IF_ERROR(txn->AppendWebhookPayloads(payloads, c.svc.clock->NowMs()));
    RETURN_IF_ERROR(txn->QueueWebhookPings(notify, c.svc.clock->NowMs()));
    RETURN_IF_ERROR(txn->Commit());
    if (c.svc.notifier && !notify.empty()) c.svc.notifier->Wake();
    return Status::Ok();
  };
  if (Status st = run(); !st.ok())
    std::fprintf(stderr, "webhooks: could not record a schema change: %s\n", st.message().c_str());
}

// ---- notifications ------------------------------------------------------------------------------

WebhookNotifier::WebhookNotifier(Store* store, const Clock* clock, int64_t first_retry_ms,
                                 Metrics* metrics)
    : store_(store), clock_(clock), first_retry_ms_(first_retry_ms), metrics_(metrics) {
  for (int i = 0; i < kWebhookSenders; ++i) threads_.emplace_back([this, i] { Run(i == 0); });
}

WebhookNotifier::~WebhookNotifier() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WebhookNotifier::Notify(const std::string& webhook_id) {
  if (Status st = store_->QueueWebhookPings({webhook_id}, clock_->NowMs()); !st.ok()) {
    std::fprintf(stderr, "webhooks: could not queue a ping: %s\n", st.message().c_str());
    return;
  }
  Wake();
}

void WebhookNotifier::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  cv_.notify_one();
}

int64_t WebhookNotifier::Tick() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start_)
      .count();
}

void WebhookNotifier::Run(bool first) {
  // Payloads live 7 days (§9.4): pruned hourly by one server of a fleet. Each server asks every
  // 5 minutes, so a server that dies does not delay the next run by more than that.
  constexpr int64_t kPruneEveryMs = 3600 * 1000, kAskEveryMs = 300 * 1000;
  int64_t next_prune = first ? 0 : INT64_MAX;
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (Tick() >= next_prune) {
      lock.unlock();
      int64_t now = clock_->NowMs();
      if (auto mine = store_->ClaimJob("prune_webhook_payloads", now, kPruneEveryMs);
          mine.ok() && *mine)
        (void)store_->PruneWebhookPayloads(now - kWeekMs);
      lock.lock();
      next_prune = Tick() + kAskEveryMs;
      continue;  // stop_ may have been set (and its wake-up missed) while the lock was free
    }
    // A wake-up from now on means "look again", even one arriving before this thread waits.
    const uint64_t seen = wakes_;
    lock.unlock();
    auto claim = store_->ClaimWebhookPing(clock_->NowMs(), kWebhookPingLeaseMs);
    if (claim.ok() && *claim) {
      Wake();  // more may be due: another idle thread looks while this one sends
      PingOnce(**claim);
      lock.lock();
      continue;
    }
    // Nothing due: sleep until the queue's next ping falls due or a write here queues one. Pings
    // queued by another server, or left by one that died, are found by the first thread's
    // polling.
    int64_t wait_ms = kWebhookPollMs;
    if (claim.ok()) {
      auto next = store_->NextWebhookPingMs();
      if (next.ok() && *next != INT64_MAX)
        wait_ms = std::clamp<int64_t>(*next - clock_->NowMs(), 1, first ? kWebhookPollMs : 3600000);
      else if (!first)
        wait_ms = 3600000;
    }
    lock.lock();
    wait_ms = std::min(wait_ms, std::max<int64_t>(next_prune - Tick(), 0));
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stop_ || wakes_ != seen; });
  }
}

void WebhookNotifier::PingOnce(const WebhookPingClaim& claim) {
  auto release = [&](int retry, int64_t at_ms) {
    if (Status st = store_->ReleaseWebhookPing(claim, retry, at_ms, clock_->NowMs()); !st.ok())
      std::fprintf(stderr, "webhooks: could not release a ping: %s\n", st.message().c_str());
  };
  auto found = store_->FindWebhook(claim.webhook_id);
  if (!found.ok()) return;  // the lease runs out and the ping is tried again
  if (!*found) return release(0, -1);
  WebhookRecord hook = **found;
  if (!hook.notifications_enabled || hook.notification_url.empty()) return release(0, -1);

  // One destination may have only a few pings in flight; the others go ahead meanwhile.
  std::string dest_key;
  std::multiset<int64_t>::iterator started;
  if (auto u = boost::urls::parse_absolute_uri(hook.notification_url))
    dest_key = std::string(u->encoded_host_and_port());
  {
    std::unique_lock lock(mu_);
    std::multiset<int64_t>& sending = in_flight_[dest_key];
    if (static_cast<int>(sending.size()) >= kWebhookPingsPerDestination) {
      // This destination is busy: look again after about as long as its oldest ping has run
      // (20 ms to 2 s), so a fast receiver is soon free again and a hung one does not have its
      // waiting pings rewritten ten times a second.
      const int64_t wait = std::clamp<int64_t>(Tick() - *sending.begin(), 20, 2000);
      lock.unlock();
      return release(claim.retry, clock_->NowMs() + wait);
    }
    started = sending.insert(Tick());
  }
  const std::string body =
      json::serialize(json::object{{"base", json::object{{"id", hook.base_id}}},
                                   {"webhook", json::object{{"id", hook.id}}},
                                   {"timestamp", FormatIsoMs(clock_->NowMs())}});
  const auto t0 = std::chrono::steady_clock::now();
  std::string error;
  // The address is checked again at every ping (a name may now resolve elsewhere), and the
  // connection goes only to the addresses checked. Redirects are not followed.
  auto dest = ResolveDestination(hook.notification_url, AllowPrivateDestinations(*store_));
  if (!dest.ok()) {
    error = "The HTTP request was not sent: " + dest.status().client_message();
  } else {
    PostResult r = PostJson(
        *dest, body,
        {{"User-Agent", "airbase-webhooks"},
         {"X-Airtable-Content-MAC", "hmac-sha256=" + ToHex(HmacSha256(hook.mac_secret, body))}},
        std::chrono::seconds(kWebhookPingTimeoutSeconds));
    error = r.error;
  }
  {
    std::lock_guard lock(mu_);
    auto d = in_flight_.find(dest_key);
    d->second.erase(started);
    if (d->second.empty()) in_flight_.erase(d);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const bool ok = error.empty();
  if (metrics_) metrics_->CountWebhookPing(ok);
  const bool again = !ok && claim.retry < kWebhookPingRetries;
  json::object result{{"success", ok},
                      {"completionTimestamp", FormatIsoMs(clock_->NowMs())},
                      {"durationMs", ms},
                      {"retryNumber", claim.retry}};
  if (!ok) {
    result["willBeRetried"] = again;
    result["error"] = json::object{{"message", error}};
  }
  // Re-read: the hook may have changed while the request ran.
  auto latest = store_->FindWebhook(claim.webhook_id);
  if (!latest.ok()) return;
  if (!*latest) return release(0, -1);
  hook = **latest;
  hook.last_result = json::serialize(result);
  if (ok) hook.last_success_ms = clock_->NowMs();
  if (!ok && !again) hook.notifications_enabled = false;  // payloads keep accumulating
  (void)store_->SaveWebhookState(hook);
  if (!again) return release(0, -1);
  const int64_t wait = first_retry_ms_ << std::min(claim.retry, 20);  // exponential backoff
  release(claim.retry + 1, clock_->NowMs() + wait);
}

}  // namespace airbase::api
