//! The channels crate's integration suite, a module per channel.
mod email;
