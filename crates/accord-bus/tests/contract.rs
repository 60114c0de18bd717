//! The bus contract suite against the in-process bus.

use accord_bus::MemoryBus;

accord_bus::contract_tests!(async { Some((MemoryBus::default(), ())) });
