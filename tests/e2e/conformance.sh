#!/usr/bin/env bash
# Outside-client conformance run against an OpenDeploy gateway emulator.
#
# Drives the raw HTTP API with curl and jq only, the way a user of the API would,
# through the primary first-deploy flow and its documented negative paths
# (gateway contract section 3 happy path; quirks Q1, Q7, Q9, Q19, Q23, Q27, Q31).
#
# Usage: conformance.sh BASE_URL [WORKDIR]
#   BASE_URL   gateway base URL ending in /api, e.g. http://127.0.0.1:8787/api
#   WORKDIR    scratch directory (default: a new temporary directory)
# Environment:
#   EMULATOR_KEY   X-Emulator-Key for /_emulator/* when the emulator requires one
#
# The credential is kept in WORKDIR/.opendeploy/auth.json (mode 600) and sent from
# a header file, so it is neither printed nor visible on any command line.
set -euo pipefail

BASE=${1:?usage: conformance.sh BASE_URL [WORKDIR]}
BASE=${BASE%/}
ORIGIN=${BASE%/api}
WORK=${2:-$(mktemp -d)}
mkdir -p "$WORK"
umask 077

for tool in curl jq python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is required" >&2; exit 2; }
done

# Register replays are keyed on source IP + User-Agent (Q27): one UA per run.
UA="conformance.sh/1 (curl; run $$-$RANDOM)"
AUTH_HDR="$WORK/auth.header"
BODY="$WORK/response.body"
HEADERS="$WORK/response.headers"
REQ="$WORK/request.json"
TOKEN=""
SIG=""
STATUS=""
CHECKS=0
: >"$AUTH_HDR"

# --- output helpers (never print credentials) ---------------------------------

redact() {
  local text
  text=$(sed -E 's/od_[a-z][0-9A-Za-z]{43}/[redacted]/g')
  if [ -n "$SIG" ]; then text=${text//"$SIG"/[redacted]}; fi
  printf '%s\n' "$text"
}

fail() {
  {
    echo "FAIL: $*"
    echo "  last HTTP status: ${STATUS:-none}"
    echo "  last response body: $(head -c 600 "$BODY" 2>/dev/null | redact)"
  } >&2
  exit 1
}

ok() {
  CHECKS=$((CHECKS + 1))
  echo "ok - $*"
}

# --- HTTP helpers ---------------------------------------------------------------

# api METHOD PATH [curl args...]: authenticated call; body -> $BODY, status -> $STATUS.
api() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -sS -o "$BODY" -D "$HEADERS" -w '%{http_code}' -X "$method" \
    -A "$UA" -H @"$AUTH_HDR" "$@" "$BASE$path") || fail "curl could not reach $BASE$path"
}

# api_json METHOD PATH JSON: same with a JSON body (sent from a file, not argv).
api_json() {
  printf '%s' "$3" >"$REQ"
  api "$1" "$2" -H 'Content-Type: application/json' --data-binary @"$REQ"
}

# control PATH JSON: the emulator's test control surface (contract 3.13).
control() {
  local key_args=()
  if [ -n "${EMULATOR_KEY:-}" ]; then key_args=(-H "X-Emulator-Key: $EMULATOR_KEY"); fi
  STATUS=$(curl -sS -o "$BODY" -w '%{http_code}' -X POST "${key_args[@]}" \
    -H 'Content-Type: application/json' --data-binary "$2" "$ORIGIN/_emulator$1") \
    || fail "curl could not reach $ORIGIN/_emulator$1"
  [ "$STATUS" = 200 ] || fail "control $1 answered $STATUS"
}

advance() { control /clock/advance "{\"seconds\":$1}"; }

expect_status() {
  [ "$STATUS" = "$1" ] || fail "$2: expected HTTP $1, got $STATUS"
}

# expect JQ_FILTER EXPECTED WHAT: compare one value of the last response body.
expect() {
  local actual
  actual=$(jq -r "$1" "$BODY" 2>/dev/null) || fail "$3: response is not JSON"
  [ "$actual" = "$2" ] || fail "$3: $1 is '$actual', expected '$2'"
}

# jv JQ_FILTER: one value of the last response body (fails the run on non-JSON).
jv() { jq -r "$1" "$BODY" 2>/dev/null || fail "response to the last call is not JSON"; }

header() { grep -i "^$1:" "$HEADERS" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }

# watch_deployment DID: poll GET /v1/deployments/{did} (advancing the virtual clock
# instead of sleeping) until a terminal status; leaves the final object in $BODY.
watch_deployment() {
  local did=$1 status
  for _ in $(seq 1 30); do
    api GET "/v1/deployments/$did"
    expect_status 200 "poll deployment"
    status=$(jv .status)
    case "$status" in
      success | failed | cancelled | rolled_back) return 0 ;;
    esac
    advance 1
  done
  fail "deployment $did still '$status' after 30 polls"
}

# --- 1. client agent ------------------------------------------------------------

printf '{"name":"conformance"}' >"$REQ"
STATUS=$(curl -sS -o "$BODY" -w '%{http_code}' -X POST -A "$UA" \
  -H 'Content-Type: application/json' --data-binary @"$REQ" "$BASE/v1/client-agents/register") \
  || fail "curl could not reach $BASE"
expect_status 200 "register"
TOKEN=$(jv '.api_key // empty')
SIG=$(jv '.bind_sig // empty')
AGENT=$(jv .agent_id)
GATEWAY=$(jv .gateway)
CLAIM=$(jv .claim_url)
[ -n "$TOKEN" ] || fail "register: no api_key (a replay of an earlier register?)"
[[ $TOKEN =~ ^od_a[0-9A-Za-z]{43}$ ]] || fail "register: api_key is not an od_a token"
[ -n "$SIG" ] || fail "register: no bind_sig"
[[ $GATEWAY == */api ]] || fail "register: gateway does not end with /api"
[ "$CLAIM" = "${GATEWAY%/api}/claim/$AGENT?h=$SIG" ] || fail "register: claim_url shape (Q29)"
mkdir -p "$WORK/.opendeploy"
chmod 700 "$WORK/.opendeploy"
jq '{version: 1, api_key, gateway, agent_id, bind_sig, claim_url}' "$BODY" >"$WORK/.opendeploy/auth.json"
chmod 600 "$WORK/.opendeploy/auth.json"
printf 'Authorization: Bearer %s\n' "$TOKEN" >"$AUTH_HDR"
ok "register: fresh pending agent $AGENT, claim_url on the gateway origin (Q29)"

STATUS=$(curl -sS -o "$BODY" -w '%{http_code}' -X POST -A "$UA" "$BASE/v1/client-agents/register") \
  || fail "curl could not reach $BASE"
expect_status 200 "register replay"
expect .agent_id "$AGENT" "register replay (Q27)"
[ "$(jv .bind_sig)" = "$SIG" ] || fail "register replay (Q27): bind_sig differs"
expect 'has("api_key")' false "register replay (Q27)"
ok "Q27 register replay: same agent and bind_sig, no api_key key"

# --- 2. regions -----------------------------------------------------------------

api GET /v1/regions/
expect_status 200 "regions"
expect 'type' array "regions"
REGION=$(jv '[.[] | select(.status == "active")][0].id // empty')
[ -n "$REGION" ] || fail "regions: no active region"
[ "$(header X-Tenant-Type)" = guest ] || fail "regions: X-Tenant-Type is not guest (Q50)"
ok "regions: active region $REGION, guest tenant"

# --- 3. project -----------------------------------------------------------------

NAME="conf-$(date +%s)-$$"
PROJECT_BODY=$(jq -nc --arg n "$NAME" --arg r "$REGION" \
  '{name: $n, repo_url: "file://upload", skip_validation: true, region_id: $r}')

api_json POST /v1/projects "$PROJECT_BODY"
expect_status 301 "slashless POST /v1/projects (Q1)"
[[ $(header Location) == */api/v1/projects/ ]] || fail "Q1: Location does not end /api/v1/projects/"
api GET /v1/projects/
expect_status 200 "list projects"
expect '(.data // .) | length' 0 "Q1: the slashless POST created a project"
ok "Q1 slashless POST /v1/projects: 301 to the slash form, nothing created"

api_json POST /v1/projects/ "$PROJECT_BODY"
expect_status 201 "create project"
PROJECT=$(jv .id)
expect .source_path "" "new project"
expect .agent_id "$AGENT" "new project"
ok "project $PROJECT created and linked to the agent"

api_json POST /v1/projects/ "$(jq -nc --arg r "$REGION" \
  '{name: "second-one", repo_url: "file://upload", skip_validation: true, region_id: $r}')"
expect_status 409 "second project (Q23)"
expect .project_id "$PROJECT" "second project (Q23)"
api_json POST /v1/projects/ '{"repo_url":"file://upload"}'
expect_status 409 "second project without name (Q23: cap before validation)"
expect .project_id "$PROJECT" "second project without name (Q23)"
api GET /v1/projects/
expect '(.data // .) | length' 1 "Q23: project count"
ok "Q23 one live project per pending agent: 409 with project_id, even for an invalid body"

# --- 4. dependency --------------------------------------------------------------

api_json POST /v1/dependencies/create "$(jq -nc --arg p "$PROJECT" \
  '{project_id: $p, dependency_id: "postgres", environment: "staging"}')"
expect_status 200 "create dependency"
DEPENDENCY=$(jv .id)
expect .status provisioning "create dependency"
jq -e '.env_vars.DATABASE_URL | length > 0' "$BODY" >/dev/null || fail "dependency: no DATABASE_URL"
jq -c '.env_vars' "$BODY" >"$WORK/dependency.env.json"
advance 4
api GET "/v1/dependencies/status/$PROJECT"
expect_status 200 "dependency status"
expect "[.dependencies[] | select(.id == \"$DEPENDENCY\")][0].status" running "dependency status"
ok "postgres dependency $DEPENDENCY provisioned and running"

# --- 5. service -----------------------------------------------------------------

api_json POST "/v1/projects/$PROJECT/services/" \
  '{"name":"web","cpu_request":"500m","cpu_limit":"2","memory_request":"512Mi","memory_limit":"1Gi","replicas":1}'
expect_status 403 "over-cap service without type (Q19)"
expect .error agent_quota_exceeded "Q19"
expect .field cpu_limit "Q19"
expect .requested 2 "Q19"
expect .limit 1 "Q19"
ok "Q19 cpu_limit 2 refused with agent_quota_exceeded before body validation"

jq -c '{name: "web", type: "web", environment: "staging", language: "python",
        framework: "flask", port: 8080, start_command: "python app.py",
        cpu_request: "500m", cpu_limit: "1", memory_request: "512Mi",
        memory_limit: "1Gi", replicas: 1,
        build_variables: {PIP_NO_CACHE_DIR: "1"},
        runtime_variables: (. + {APP_MODE: "staging"})}' \
  "$WORK/dependency.env.json" >"$WORK/service.json"
api POST "/v1/projects/$PROJECT/services/" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/service.json"
expect_status 201 "create service"
expect 'keys | sort | join(",")' "message,service_id" "create service response (Q16)"
SERVICE=$(jv .service_id)
api GET "/v1/services/$SERVICE"
expect_status 200 "read back service"
expect .port 8080 "read back service"
expect .runtime_variables.APP_MODE staging "read back service"
ok "service $SERVICE created within the guest caps, env pre-merged"

# --- 6. source: upload-only, the no-source failure, update-source -----------------

mkdir -p "$WORK/app"
cat >"$WORK/app/app.py" <<'PY'
import os

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"mode": os.environ.get("APP_MODE", "unset")}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
PY
printf 'flask>=3\n' >"$WORK/app/requirements.txt"
(cd "$WORK/app" && python3 -m zipfile -c "$WORK/app.zip" app.py requirements.txt)

api POST /v1/upload/upload-only -F "project_name=$NAME" -F "region_id=$REGION" \
  -F "project_file=@$WORK/app.zip;type=application/zip"
expect_status 200 "upload-only"
TEMP_PATH=$(jv .temp_file_path)
[ -n "$TEMP_PATH" ] || fail "upload-only: empty temp_file_path"
api GET "/v1/projects/$PROJECT"
expect .source_path "" "project after upload-only (Q10)"
ok "upload-only parked the archive; source_path still empty (Q10)"

api_json POST /v1/deployments/ "$(jq -nc --arg p "$PROJECT" --arg s "$SERVICE" --arg t "$TEMP_PATH" \
  '{project_id: $p, service_id: $s, source: "zip", temp_file_path: $t}')"
expect_status 201 "deployment without bound source (Q9)"
expect .status pending "Q9"
NOSOURCE=$(jv .id)
advance 2
api GET "/v1/deployments/$NOSOURCE"
expect .status failed "Q9"
expect .progress 10 "Q9"
expect .error_msg "Service failed" "Q9"
expect .message "Service failed to deploy" "Q9"
api GET "/v1/deployments/$NOSOURCE/logs"
expect_status 200 "Q9 logs"
expect .logs null "Q9 logs"
expect .total 0 "Q9 logs"
ok "Q9 deployment without bound source fails fast at progress 10 with null logs"

api_json POST /v1/upload/update-source "$(jq -nc --arg p "$PROJECT" --arg t "$TEMP_PATH" \
  '{project_id: $p, temp_file_path: $t}')"
expect_status 200 "update-source"
expect .source_status ready "update-source"
api GET "/v1/projects/$PROJECT"
SOURCE_PATH=$(jv .source_path)
[ -n "$SOURCE_PATH" ] || fail "update-source: project source_path still empty"
ok "update-source bound the archive (source_path set, status ready)"

# --- 7. deploy and watch ----------------------------------------------------------

DEPLOY_BODY=$(jq -nc --arg p "$PROJECT" --arg s "$SERVICE" --arg t "$TEMP_PATH" --arg d "$DEPENDENCY" \
  '{project_id: $p, service_id: $s, source: "zip", temp_file_path: $t, environment: "staging",
    dependencies: [$d]}')
api_json POST /v1/deployments/ "$DEPLOY_BODY"
expect_status 201 "create deployment"
expect .status pending "create deployment"
expect .progress 0 "create deployment"
FIRST=$(jv .id)
watch_deployment "$FIRST"
expect .status success "first deployment"
expect .progress 100 "first deployment"
ok "deployment $FIRST reached success (progress 100)"

# --- 8. auto domain and rename -----------------------------------------------------

DOMAIN_ID=""
for _ in $(seq 1 20); do
  api GET "/v1/service-domains?service_id=$SERVICE&environment=staging&type=auto"
  expect_status 200 "list domains"
  if [ "$(jv length)" -ge 1 ]; then
    DOMAIN_ID=$(jv '.[0].id')
    break
  fi
  advance 2
done
[ -n "$DOMAIN_ID" ] || fail "no auto domain 40 virtual seconds after success"
expect length 1 "auto domain"
expect '.[0].type' auto "auto domain"
expect '.[0].status' active "auto domain"
OLD_DOMAIN=$(jv '.[0].domain')
[[ $OLD_DOMAIN == *.dev.opendeploy.run ]] || fail "auto domain is not under dev.opendeploy.run"
OLD_LABEL=${OLD_DOMAIN%%.*}
ok "auto domain $OLD_DOMAIN is active"

LABEL="conf$(date +%s | tail -c 7)$((RANDOM % 90 + 10))"
api GET "/v1/service-domains/check-subdomain/$LABEL"
expect_status 200 "check-subdomain"
expect .available true "check-subdomain before rename"
api_json PUT "/v1/service-domains/$DOMAIN_ID/subdomain" "{\"subdomain\":\"$LABEL\"}"
expect_status 200 "rename subdomain"
expect .domain "$LABEL.dev.opendeploy.run" "rename subdomain"
expect .type auto "rename subdomain"
api GET "/v1/service-domains/check-subdomain/$LABEL"
expect .available false "new label after rename"
expect .reason taken "new label after rename"
api GET "/v1/service-domains/check-subdomain/$OLD_LABEL"
expect .available true "old label after rename"
ok "renamed the auto subdomain to $LABEL; old label freed"

# --- 9. env rotation (GET, full-replace PUT) -----------------------------------------

api GET "/v1/projects/$PROJECT/services/$SERVICE/env"
expect_status 200 "get env"
expect '[.variables | if type == "array" then .[].key else keys[] end] | index("APP_MODE") != null' \
  true "get env"
# Read-modify-write: the whole map goes back, with one key rotated and one added.
jq -c '{variables: ((.variables | if type == "array" then map({(.key): .value}) | add else . end)
        + {APP_MODE: "rotated", FEATURE_X: "on"})}' "$BODY" >"$WORK/env.json"
api PUT "/v1/projects/$PROJECT/services/$SERVICE/env" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/env.json"
expect_status 200 "put env"
jq -c '{variables: (.variables | del(.FEATURE_X))}' "$WORK/env.json" >"$WORK/env2.json"
api PUT "/v1/projects/$PROJECT/services/$SERVICE/env" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/env2.json"
expect_status 200 "put env (drop a key)"
api GET "/v1/projects/$PROJECT/services/$SERVICE/env"
expect '[.variables | if type == "array" then .[].key else keys[] end] | index("FEATURE_X")' null \
  "full replace removed FEATURE_X"
expect '.variables | if type == "array" then map(select(.key == "APP_MODE"))[0].value else .APP_MODE end' \
  rotated "env after rotation"
expect .count "$(jq '.variables | length' "$WORK/env2.json")" "env count after rotation"
api GET "/v1/services/$SERVICE"
expect .build_variables.PIP_NO_CACHE_DIR 1 "build_variables untouched by env PUT"
api GET "/v1/deployments/$FIRST"
expect '.runtime_variables | fromjson | .APP_MODE' staging "old deployment env snapshot (Q36)"
ok "env rotated by full replace; old deployment keeps its snapshot"

# --- 10. resize ---------------------------------------------------------------------

api_json PUT "/v1/services/$SERVICE" '{"cpu_request":"250m","memory_request":"256Mi"}'
expect_status 200 "resize service"
expect .cpu_request 250m "resize service"
expect .memory_request 256Mi "resize service"
expect .cpu_limit 1 "resize keeps absent fields"
ok "resized the service in place (PUT /v1/services/{sid})"

# --- 11. redeploy and rollback --------------------------------------------------------

api_json POST /v1/deployments/ "$DEPLOY_BODY"
expect_status 201 "redeploy"
SECOND=$(jv .id)
expect '.runtime_variables | fromjson | .APP_MODE' rotated "redeploy env snapshot"
watch_deployment "$SECOND"
expect .status success "redeploy"
ok "redeployment $SECOND reached success with the rotated env"

api GET "/v1/projects/$PROJECT/deployments?status=success&service_id=$SERVICE"
expect_status 200 "list successful deployments"
expect '(.data // .)[0].id' "$SECOND" "newest success first"
TARGET=$(jv '(.data // .)[1].id')
[ "$TARGET" = "$FIRST" ] || fail "previous success is $TARGET, expected $FIRST"
api POST "/v1/deployments/$TARGET/rollback"
expect_status 201 "rollback"
ROLLBACK=$(jv '.deployment_id // empty')
[ -n "$ROLLBACK" ] || fail "rollback: empty deployment_id"
expect .is_rollback true "rollback"
expect .rollback_of "$FIRST" "rollback"
watch_deployment "$ROLLBACK"
expect .status success "rollback deployment"
api GET "/v1/deployments/$SECOND"
expect .status rolled_back "deployment replaced by the rollback"
ok "rolled back to $FIRST; $SECOND is rolled_back"

# --- 12. negative paths -----------------------------------------------------------------

api GET "/v1/deployments/?project_id=$PROJECT"
BEFORE=$(jv '(.data // .) | length')
api_json POST /v1/deployments/ "$(jq -nc --arg p "$PROJECT" --arg s "$SERVICE" \
  '{project_id: $p, service_id: $s, source: "zip", resources: {cpu_limit: "2"}}')"
expect_status 400 "string resources (Q7)"
expect .error \
  "json: cannot unmarshal string into Go struct field ResourceLimits.resources.cpu_limit of type float64" "Q7"
api GET "/v1/deployments/?project_id=$PROJECT"
expect '(.data // .) | length' "$BEFORE" "Q7: a deployment was created anyway"
ok "Q7 string resources refused with the Go decoder message; nothing created"

api DELETE "/v1/projects/$PROJECT"
expect_status 403 "DELETE own project (Q31)"
expect .error agent_delete_forbidden "Q31"
expect .method DELETE "Q31"
expect .path "/api/v1/projects/$PROJECT" "Q31"
api GET "/v1/projects/$PROJECT"
expect_status 200 "Q31: project still exists"
api DELETE /v1/does-not-exist
expect_status 403 "DELETE unregistered path (Q31)"
expect .error agent_delete_forbidden "Q31 unregistered path"
ok "Q31 DELETE gate: 403 agent_delete_forbidden on any path; project kept"

echo "conformance: $CHECKS checks passed"
