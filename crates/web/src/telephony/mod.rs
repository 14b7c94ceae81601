//! Telephony: call events in from the PBX (`api`), and the screen pop out to the agents'
//! open pages (`pages`).
pub mod api;
pub mod pages;
