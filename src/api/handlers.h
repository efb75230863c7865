// Endpoint handlers. The router has already authenticated the token, checked its scope, its
// resources and the owner's role, and loaded the base schema when the route names a base.
// Each handler returns the JSON body of a 200, or the Status that the error table maps.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/context.h"
#include "engine/cell_text.h"

namespace airbase::api {

struct Call {
  const Services& svc;
  const Request& req;
  Query query;
  std::vector<std::string> segs;  // decoded path segments after "v0"
  Principal principal;            // who the request acts for: a token or a web session
  Role role = Role::kNone;
  std::shared_ptr<const BaseSchema> schema;  // set for routes that name a base
  std::shared_ptr<http::BodyStream> stream;  // set by a handler whose answer stays open
};

// forms.cc: a form view shared by link, read and filled in without an account.
Response FormRequest(const Services& svc, const Request& req, const std::vector<std::string>& segs);

// live.cc: the web app's stream of the base's changes and viewers (server-sent events).
Result<std::string> OpenEvents(Call& c);

// records.cc
Result<std::string> ListRecords(Call& c, const std::string& table, bool post);
Result<std::string> GetRecord(Call& c, const std::string& table, const std::string& record_id);
Result<std::string> CreateRecords(Call& c, const std::string& table);
Result<std::string> UpdateRecords(Call& c, const std::string& table, bool replace);
Result<std::string> UpdateRecord(Call& c, const std::string& table, const std::string& record_id,
                                 bool replace);
Result<std::string> DeleteRecords(Call& c, const std::string& table);
Result<std::string> DeleteRecord(Call& c, const std::string& table, const std::string& record_id);
// The web app's grid (session calls only): every matching id of a view in order, for a virtual
// scroller, and the records of the ids it shows.
Result<std::string> ListRecordIds(Call& c, const std::string& table);
Result<std::string> GetRecordsByIds(Call& c, const std::string& table);
// The summary bar: filled and empty cells, and for numbers sum, average, min and max.
Result<std::string> SummarizeRecords(Call& c, const std::string& table);

// fields.cc (session calls only): change a field's type (converting every cell), delete a field
// or a table.
Result<std::string> ChangeFieldType(Call& c, const std::string& table, const std::string& field);
Result<std::string> DeleteField(Call& c, const std::string& table, const std::string& field);
Result<std::string> DeleteTable(Call& c, const std::string& table);

// views.cc (session calls only): create, change (name, sorts, filters, hidden fields), delete.
Result<std::string> CreateView(Call& c, const std::string& table);
Result<std::string> UpdateView(Call& c, const std::string& table, const std::string& view);
Result<std::string> DeleteView(Call& c, const std::string& table, const std::string& view);

// comments.cc
Result<std::string> ListComments(Call& c, const std::string& table, const std::string& record_id);
Result<std::string> CreateComment(Call& c, const std::string& table, const std::string& record_id);
Result<std::string> UpdateComment(Call& c, const std::string& table, const std::string& record_id,
                                  const std::string& comment_id);
Result<std::string> DeleteComment(Call& c, const std::string& table, const std::string& record_id,
                                  const std::string& comment_id);

// webhooks.cc (/v0/bases/{baseId}/webhooks...)
Result<std::string> CreateWebhook(Call& c);
Result<std::string> ListWebhooks(Call& c);
Result<std::string> DeleteWebhook(Call& c, const std::string& id);
Result<std::string> RefreshWebhook(Call& c, const std::string& id);
Result<std::string> EnableWebhookNotifications(Call& c, const std::string& id);
Result<std::string> ListWebhookPayloads(Call& c, const std::string& id);

// meta.cc
Result<std::string> WhoAmI(Call& c);
Result<std::string> ListBases(Call& c);
Result<std::string> CreateBase(Call& c);
Result<std::string> GetBaseSchema(Call& c);
Result<std::string> CreateTable(Call& c);
Result<std::string> UpdateTable(Call& c, const std::string& table);
Result<std::string> CreateField(Call& c, const std::string& table);
Result<std::string> UpdateField(Call& c, const std::string& table, const std::string& field);

// admin.cc: the administration endpoints a self-hosted server can honour (Airtable keeps them
// for enterprise admins; here every workspace owner administers their workspace, see
// docs/DECISIONS.md): workspaces and bases with their collaborators, moving and deleting them.
Result<std::string> GetWorkspace(Call& c, const std::string& workspace_id);
Result<std::string> DeleteWorkspace(Call& c, const std::string& workspace_id);
Result<std::string> MoveBase(Call& c, const std::string& workspace_id);
Result<std::string> GetBaseCollaborators(Call& c);
Result<std::string> DeleteBase(Call& c);
// POST .../collaborators, PATCH and DELETE .../collaborators/{userId} of a workspace (an empty
// base id) or of the call's base.
Result<std::string> AddCollaborator(Call& c, const std::string& workspace_id);
Result<std::string> ChangeCollaborator(Call& c, const std::string& workspace_id,
                                       const std::string& user_id, bool remove);

// attachments.cc: uploadAttachment (§4.9), and the files attachment URLs name (no token).
Result<std::string> UploadAttachment(Call& c, const std::string& record_id,
                                     const std::string& field_key);
Response ServeFile(const Services& svc, const Request& req, const std::vector<std::string>& segs,
                   const Query& query);

// Shared helpers.
using engine::CellString;  // a cell as text in UTC and English (type conversions use it)
const Table* FindTableOrNull(const Call& c, const std::string& key);
// The table named by a path segment; 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND when missing.
Result<const Table*> ResolveTable(const Call& c, const std::string& key);
Result<json::object> BodyObject(const Call& c);
// Signed, expiring list cursors: "itr<hex>/<last id>" (airtable-api.md §4.2 offset semantics).
std::string EncodeOffset(const std::string& key, uint32_t fingerprint, int64_t position,
                         int64_t cursor, int64_t expires_ms, const std::string& last_id);
struct OffsetState {
  int64_t position = 0;  // records returned so far (counts toward maxRecords)
  int64_t cursor = 0;    // last rowid returned (creation order) or rows consumed (sorted)
};
// kIteratorNotAvailable when malformed, forged, for another query, or expired.
Result<OffsetState> DecodeOffset(const std::string& key, uint32_t fingerprint,
                                 const std::string& offset, int64_t now_ms);

}  // namespace airbase::api
