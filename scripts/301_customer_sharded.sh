#!/usr/bin/env bash
# Step 301: prepares customer for sharding: sequence tables (and their VSchema) in commerce, the
# sharded customer VSchema (hash vindex on customer_id), and customer's tables without auto_increment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient ApplySchema --sql-file create_commerce_seq.sql commerce ||
  fail "Failed to create sequence tables in the commerce keyspace"
vtctldclient ApplyVSchema --vschema-file vschema_commerce_seq.json commerce ||
  fail "Failed to create vschema sequences in the commerce keyspace"
vtctldclient ApplyVSchema --vschema-file vschema_customer_sharded.json customer ||
  fail "Failed to create vschema in sharded customer keyspace"
vtctldclient ApplySchema --sql-file create_customer_sharded.sql customer ||
  fail "Failed to create schema in sharded customer keyspace"
