#!/bin/sh
# The steps of the Atlantis workflows in atlantis.yaml: one Atlantis project per cdktf stack, the project
# name being the stack name. README.md, section "Atlantis", describes the server side.
#
#   atlantis-step.sh synth                      synthesize PLATFORM_ENV into .work/atlantis/<project>/
#   atlantis-step.sh init                       terraform init in .work/atlantis/<project>/stacks/<project>
#   atlantis-step.sh plan  PLANFILE             terraform plan -out PLANFILE
#   atlantis-step.sh show  PLANFILE SHOWFILE    the plan as JSON, for Atlantis's policy checks
#   atlantis-step.sh apply PLANFILE             terraform apply PLANFILE (refused with the local backend)
#
# Environment: PROJECT_NAME (set by Atlantis), PLATFORM_ENV (set by the workflow's env step),
# COMMENT_ARGS (set by Atlantis; extra arguments are refused), ATLANTIS_TERRAFORM_VERSION (set by
# Atlantis: the terraform<version> binary it downloaded is preferred over `terraform` on the PATH).
#
# Every project synthesizes into its own folder, so planning one project never rewrites the folder
# that another project's pending plan will be applied from. .work/ is git-ignored (and ignored by the
# linters), so nothing synthesized ever shows up as a change in the clone.
set -eu

fail() {
  echo "error: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 synth | init | plan PLANFILE | show PLANFILE SHOWFILE | apply PLANFILE" >&2
  exit 2
}

[ $# -ge 1 ] || usage
step=$1
shift

caller_dir=$(pwd)
cd "$(dirname "$0")/.."
root=$(pwd)

absolute() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$caller_dir/$1" ;;
  esac
}

project=${PROJECT_NAME:-}
case $project in
  '' | *[!a-z0-9-]*) fail "PROJECT_NAME must be a stack name (lower-case letters, digits, hyphens); got '$project'" ;;
esac
environment=${PLATFORM_ENV:-}
[ -n "$environment" ] || fail "PLATFORM_ENV is not set: the project's workflow in atlantis.yaml sets it in an env step"
if [ -n "${COMMENT_ARGS:-}" ]; then
  fail "extra Terraform arguments (atlantis plan|apply -- ...) are not supported for cdktf stacks; change the code instead"
fi

out="$root/.work/atlantis/$project"
stack="$out/stacks/$project"

tf=terraform
if [ -n "${ATLANTIS_TERRAFORM_VERSION:-}" ] && command -v "terraform$ATLANTIS_TERRAFORM_VERSION" >/dev/null 2>&1; then
  tf="terraform$ATLANTIS_TERRAFORM_VERSION"
fi
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

require_stack() {
  [ -f "$stack/cdk.tf.json" ] || fail "$stack/cdk.tf.json does not exist: run the synth step first (atlantis plan -p $project)"
}

# The synthesized backend: local, s3, cloud...; local when the stack declares none.
backend_type() {
  node -e '
    const t = require(process.argv[1]).terraform || {};
    process.stdout.write(t.cloud ? "cloud" : Object.keys(t.backend || {})[0] || "local");
  ' "$stack/cdk.tf.json"
}

case $step in
  synth)
    [ $# -eq 0 ] || usage
    [ -d node_modules ] || fail "node_modules is missing: the Atlantis server runs 'npm ci' in a pre_workflow_hook (README.md, section Atlantis)"
    # A plan that fails from here on must not leave an older plan behind for `atlantis apply`.
    [ -z "${PLANFILE:-}" ] || rm -f "$PLANFILE"
    rm -rf "$out"
    mkdir -p "$out"
    node scripts/build.mjs
    CDKTF_OUTDIR="$out" PLATFORM_ENV="$environment" node dist/main.js
    [ -f "$stack/cdk.tf.json" ] ||
      fail "PLATFORM_ENV=$environment has no stack $project; it has: $(echo $(ls "$out/stacks"))"
    backend=$(backend_type)
    echo "synthesized $project (PLATFORM_ENV=$environment) into ${stack#"$root"/}, $backend backend"
    ;;
  init)
    [ $# -eq 0 ] || usage
    require_stack
    "$tf" -chdir="$stack" init -input=false -no-color
    ;;
  plan)
    [ $# -eq 1 ] || usage
    require_stack
    planfile=$(absolute "$1")
    rm -f "$planfile"
    backend=$(backend_type)
    if [ "$backend" = local ]; then
      echo "warning: $project uses the local backend: this plan starts from an empty state and cannot be applied here; set \"backend\" in config/$environment.json" >&2
    fi
    "$tf" -chdir="$stack" plan -input=false -no-color -out="$planfile"
    ;;
  show)
    [ $# -eq 2 ] || usage
    require_stack
    planfile=$(absolute "$1")
    showfile=$(absolute "$2")
    "$tf" -chdir="$stack" show -json -no-color "$planfile" >"$showfile"
    ;;
  apply)
    [ $# -eq 1 ] || usage
    require_stack
    planfile=$(absolute "$1")
    [ -f "$planfile" ] || fail "no plan at $planfile: run atlantis plan -p $project first"
    [ -d "$stack/.terraform" ] || fail "$stack is not initialized: run atlantis plan -p $project again"
    backend=$(backend_type)
    if [ "$backend" = local ]; then
      fail "refusing to apply $project with the local backend: its state would be written into Atlantis's clone of the pull request and lost; set \"backend\" in config/$environment.json to s3 or cloud"
    fi
    "$tf" -chdir="$stack" apply -input=false -no-color "$planfile"
    ;;
  *)
    usage
    ;;
esac
