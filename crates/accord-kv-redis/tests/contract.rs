//! The accord-kv contract suite against Redis (`ACCORD_TEST_REDIS_URL`), each case under a
//! random key prefix of its own. Every key the cases write expires within a minute.

mod common;

accord_kv::contract_tests!(common::test_kv());
