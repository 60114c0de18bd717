//! The bus contract suite against NATS JetStream (`ACCORD_TEST_NATS_URL`), each case with its
//! own subjects, stream and bucket, deleted afterwards. Skipped when no NATS is configured.

mod common;

accord_bus::contract_tests!(common::bus());
