//! The accord-kv contract suite against the in-memory implementation.

accord_kv::contract_tests!(async { accord_kv::MemoryKv::new() });
