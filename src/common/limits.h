// Every limit airbase enforces, next to the Airtable rule it mirrors (airtable-api.md §7).
#pragma once

#include <cstddef>
#include <cstdint>

namespace airbase {

inline constexpr int kMaxRecordsPerWrite = 10;  // create/update/upsert/delete batch (§7.2)
// Record write requests that share one transaction commit at most (storage/sql/write_group.h):
// bounds how long the first of a group waits for the last, and how long a schema change waits.
inline constexpr int kMaxWriteGroup = 32;
// WAL frames (pages) after a commit that start a checkpoint (SQLite's own default threshold).
inline constexpr int kWalCheckpointFrames = 1000;
inline constexpr int kMaxPageSize = 100;   // list records pageSize (§4.2)
inline constexpr int kMaxSortIndex = 100;  // sort[N] indexes in a list query (our choice)
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxWebhooksPerBase = 10;         // (§9.1)
inline constexpr int kMaxWebhookPayloadsPerPage = 50;  // list payloads limit (§9.4)
inline constexpr int kWebhookPingTimeoutSeconds = 25;  // one notification ping (§9.6)
inline constexpr int kWebhookPingRetries = 13;         // then notifications are disabled (§9.6)
inline constexpr int kWebhookSenders = 4;              // pings sent at once (our choice)
inline constexpr int kWebhookPingsPerDestination = 2;  // at once to one host:port (our choice)
// A claimed ping is another server's to send once its claim is this old (the sender died).
inline constexpr int64_t kWebhookPingLeaseMs = 60'000;  // > the ping's 25 s budget (our choice)
// How often a server looks for pings it did not queue (another server's, a dead server's).
inline constexpr int64_t kWebhookPollMs = 1'000;     // (our choice)
inline constexpr int kMaxCommentsPageSize = 100;     // list comments pageSize (§8.2)
inline constexpr size_t kMaxCommentLength = 100000;  // one comment's text (our choice)
inline constexpr size_t kMaxRecordsByIds = 500;      // web app grid: records fetched by id at once
inline constexpr int kMaxViewsPerTable = 1000;       // (our choice)
inline constexpr int kMaxViewConditions = 50;        // filter conditions per view (our choice)
inline constexpr size_t kMaxConditionValueLength = 1000;   // one filter condition's text
inline constexpr int kMaxBasesPerPage = 1000;              // GET /v0/meta/bases (§5.1)
inline constexpr int kMaxMergeFields = 3;                  // performUpsert.fieldsToMergeOn (§4.7)
inline constexpr size_t kMaxDescriptionLength = 20000;     // table/field description (§7.2)
inline constexpr size_t kMaxNameLength = 255;              // table/field/base names (our choice)
inline constexpr size_t kMaxUrlLength = 16000;             // URL length Airtable accepts (§1.3)
inline constexpr size_t kMaxHeaderBytes = 32 * 1024;       // whole header block incl. URL
inline constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;  // request body; 413 beyond (§7.2)
inline constexpr size_t kMaxCellTextLength = 100000;       // long text cell (§7.3)
inline constexpr double kMaxPercentMagnitude = 1e300;      // percent cells (x100 stays finite)
inline constexpr double kMaxDurationSeconds = 9007199254740991.0;  // 2^53-1 s (exact as integer)
inline constexpr int kMaxFieldsPerTable = 500;                     // (§7.3)
inline constexpr int kMaxTablesPerBase = 1000;                     // (§7.3)
inline constexpr int kRequestTimeoutSeconds = 30;  // read of one request, write of one response
inline constexpr int kIdleTimeoutSeconds = 75;     // keep-alive connection with no request
// What a connection keeps between requests: the buffer of response heads (a body goes back to
// the thread's body buffers once written), and a thread's buffers of a record page
// (api/records.cc). Larger ones are freed.
inline constexpr size_t kMaxKeptHeadBytes = 16 * 1024;
inline constexpr size_t kMaxKeptPageBytes = 1024 * 1024;
// Response bodies' buffers a thread keeps for its next responses (common/body_buffers.h).
inline constexpr int kKeptBodyBuffers = 2;
inline constexpr size_t kMaxKeptBodyBytes = 1024 * 1024;
inline constexpr int kReservedFileDescriptors = 128;  // kept out of the connection cap
inline constexpr int kRequestDeadlineSeconds =
    30;  // one request's handler time (--request-timeout)
inline constexpr int64_t kMaxRequestEvalSteps = 300'000'000;  // formula work in one request
inline constexpr int kSlowHandlerMs = 20;     // a handler running longer gets a thread added
inline constexpr int kMaxThreads = 64;        // request threads at most (slow handlers included)
inline constexpr int kThreadRetireMs = 1000;  // an extra thread unneeded this long retires
inline constexpr int kDrainIdleMs = 300;      // on shutdown, an idle connection's last chance
inline constexpr int64_t kIteratorLifetimeMs = 10 * 60 * 1000;  // list offset validity
inline constexpr int kShutdownGraceSeconds =
    10;                                          // in-flight requests finish within this, then stop
inline constexpr int kBasePerSecondLimit = 5;    // Airtable per-base rate limit (§7.1)
inline constexpr int kTokenPerSecondLimit = 50;  // Airtable per-user/token rate limit (§7.1)
inline constexpr int kRateLimitPenaltySeconds = 30;             // wait after a 429 (§7.1)
inline constexpr int64_t kLastUsedWriteIntervalMs = 60 * 1000;  // token last-used coalescing
inline constexpr int kPostgresConnections = 32;  // a server's PostgreSQL pool (--store-connections)
inline constexpr int kPoolWaitSeconds = 10;  // a pooled connection, waited for outside a request
// Attachments (§4.9, §5.8).
inline constexpr size_t kMaxUploadBytes = 5 * 1024 * 1024;  // uploadAttachment's file (§4.9)
inline constexpr size_t kMaxFetchedFileBytes = 100 * 1024 * 1024;  // {"url"} items (Airtable: 1 GB)
inline constexpr int kMaxAttachmentRedirects = 3;                  // {"url"} items (§7.2)
inline constexpr int kAttachmentFetchTimeoutSeconds = 60;  // one {"url"} download (our choice)
inline constexpr size_t kMaxAttachmentUrlLength = 2048;    // a {"url"} item's URL (our choice)
// A {"url"} fetch starts this long after its write commits, so that the write's answer shows the
// item as pending (what Airtable answers) rather than racing the fetch (our choice).
inline constexpr int64_t kAttachmentFetchDelayMs = 250;
inline constexpr int kAttachmentFetchTries = 3;  // a {"url"} that fails transiently (our choice)
inline constexpr int64_t kAttachmentFetchRetryMs = 10 * 1000;         // first retry; doubles (ours)
inline constexpr size_t kMaxAttachmentsPerCell = 1000;                // (our choice)
inline constexpr int64_t kAttachmentUrlLifetimeMs = 2 * 3600 * 1000;  // signed URLs (§5.8)
inline constexpr int kMaxThumbnailSourcePixels = 100'000'000;  // larger images get none (ours)
// A file no cell names is removed this long after it was stored or last named (our choice).
inline constexpr int64_t kOrphanFileGraceMs = 24 * 3600 * 1000;
// The emulator's control API (api/control.h), all our choices.
inline constexpr size_t kControlLogMaxRequests = 10000;      // the request log's newest
inline constexpr size_t kControlLogMaxBodyBytes = 64 << 20;  // the bodies it holds at most
inline constexpr int64_t kControlMaxLatencyMs = 60 * 1000;   // an injected latency
// airbase clone (cli/clone.h): the source's limits (§7.1) and our patience with it.
inline constexpr int kCloneRequestsPerSecond = 5;         // Airtable's per-base limit
inline constexpr int kCloneRequestTimeoutSeconds = 60;    // one GET of the source's API
inline constexpr size_t kCloneMaxAnswerBytes = 64 << 20;  // one answer of it
inline constexpr int kCloneMaxRateLimitWaits = 20;        // 429s waited out per request
inline constexpr int kCloneMaxTries = 4;                  // tries of a GET that got no answer
// Live updates (api/live.h): the web app's event streams, all our choices.
inline constexpr int kStreamHeartbeatSeconds = 20;  // a comment line keeps proxies from closing
inline constexpr int kStreamLifetimeSeconds =
    600;  // then the browser reconnects (access rechecked)
inline constexpr size_t kMaxStreamBacklogBytes = 1 << 20;  // unread by the client: cut off
inline constexpr int kMaxLiveIdsPerNotice = 200;   // more records changed: "reload the table"
inline constexpr int kPresenceBeatSeconds = 15;    // a server re-announces its viewers
inline constexpr int kPresenceExpirySeconds = 40;  // a viewer not re-announced is gone

}  // namespace airbase
