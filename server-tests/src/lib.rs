//! Server-side cross-crate tests live in `server-tests/tests/`; this crate has no code of its own.
