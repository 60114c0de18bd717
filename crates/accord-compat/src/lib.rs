//! Dev-only crate: its tests check payloads against twilight-model.
