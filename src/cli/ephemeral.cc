// The ephemeral server's set-up (ephemeral.h).
#include "cli/ephemeral.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "auth/scopes.h"
#include "cli/base_import.h"

namespace airbase::cli {

EphemeralDir::~EphemeralDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Status EphemeralDir::Make() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/airbase-ephemeral-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    return Error(ErrorCode::kInternal,
                 "cannot make a temporary directory under " + tmpl.substr(0, tmpl.rfind('/')));
  path_ = tmpl;
  return Status::Ok();
}

Result<EphemeralState> SetUpEphemeral(Store& store, TokenService& tokens, IdGenerator& ids,
                                      const Clock& clock, const EphemeralOptions& options,
                                      const std::string& snapshot) {
  EphemeralState state;
  RETURN_IF_ERROR(store.SetSetting(kFixedTokensSetting, "true"));
  ASSIGN_OR_RETURN(User user, store.CreateUser(kEphemeralUserEmail, "Test User", ""));
  state.user_email = user.email;
  ASSIGN_OR_RETURN(Workspace ws, store.CreateWorkspace(user.id, "Test workspace"));
  state.workspace_id = ws.id;
  for (const std::string& file : options.fixtures) {
    ImportOptions opts;
    opts.workspace_id = ws.id;
    opts.keep_ids = true;
    auto r = ImportBase(store, ids, clock, file, opts);
    if (!r.ok()) return Error(r.status().code(), "fixture " + file + ": " + r.status().message());
    state.base_ids.push_back(r->base_id);
    state.records += r->records;
  }
  TokenSpec spec;
  spec.name = "ephemeral";
  for (const ScopeInfo& s : AllScopes())
    if (s.basic) spec.scopes.emplace_back(s.name);
  spec.all_bases = true;
  std::string given;
  if (!options.token_file.empty()) {
    std::ifstream in(options.token_file);
    std::getline(in, given);
    while (!given.empty() && std::isspace(static_cast<unsigned char>(given.back())))
      given.pop_back();
  }
  auto secret = tokens.Create(user.id, spec, given);
  if (!secret.ok())
    return Error(secret.status().code(),
                 "the token of " + options.token_file + ": " + secret.status().message());
  if (given.empty()) {
    state.token = *secret;
    if (!options.token_file.empty()) {
      std::ofstream out(options.token_file, std::ios::trunc);
      out << *secret << "\n";
      if (!out) return Error(ErrorCode::kInternal, "cannot write " + options.token_file);
      chmod(options.token_file.c_str(), 0600);
    }
  }
  RETURN_IF_ERROR(store.BackupTo(snapshot));
  return state;
}

}  // namespace airbase::cli
