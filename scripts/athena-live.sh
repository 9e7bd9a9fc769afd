#!/usr/bin/env bash
# `npm run test:athena:live`: the warehouse suite (test/athena/warehouse.test.ts) against a real
# AWS account instead of the local stack. It runs only when credentials and every MDW_ATHENA_*
# setting are present; otherwise it prints one line saying what is missing and exits 0.
#
#   MDW_ATHENA_REGION          region of the workgroup, e.g. eu-west-1
#   MDW_ATHENA_WORK_GROUP      Athena workgroup (engine v3)
#   MDW_ATHENA_S3_STAGING_DIR  s3:// folder for query results
#   MDW_ATHENA_S3_DATA_DIR     s3:// folder for the tables' data (the suite writes under wh-<id>/)
#   MDW_RAW_S3_URI             s3:// raw prefix (the suite uploads to <prefix>-wh-<id>/)
#   credentials                the SDK's default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
#                              AWS_PROFILE, a web identity token, a container role, or
#                              ~/.aws/credentials / ~/.aws/config
# The suite writes the Glue databases mdw_raw, mdw_stg, mdw_std, mdw_cur, mdw_snp and mdw_dqm
# (replacing their tables): use a dedicated account or workgroup.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for name in MDW_ATHENA_REGION MDW_ATHENA_WORK_GROUP MDW_ATHENA_S3_STAGING_DIR MDW_ATHENA_S3_DATA_DIR MDW_RAW_S3_URI; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
has_credentials() {
  [[ -n "${AWS_ACCESS_KEY_ID:-}" && -n "${AWS_SECRET_ACCESS_KEY:-}" ]] && return 0
  [[ -n "${AWS_PROFILE:-}" || -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]] && return 0
  [[ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" || -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]] && return 0
  [[ -f "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" || -f "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]]
}
has_credentials || missing+=("AWS credentials")
if ((${#missing[@]})); then
  list="$(printf '%s, ' "${missing[@]}")"
  echo "test:athena:live skipped: ${list%, } not set (see docs/athena.md, \"Live tests\")."
  exit 0
fi

# A real account: no local endpoints, no path-style override left over from the local stack.
unset AWS_ENDPOINT_URL_ATHENA AWS_ENDPOINT_URL_GLUE AWS_ENDPOINT_URL_S3 MDW_S3_FORCE_PATH_STYLE
export MDW_TEST_CLI_TIMEOUT_MS="${MDW_TEST_CLI_TIMEOUT_MS:-3600000}"
exec node --test --test-concurrency=1 dist/test/athena/warehouse.test.js
