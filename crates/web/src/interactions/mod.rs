//! Interactions: the ingest API (one or a batch) and the reads (one, a customer's timeline);
//! the timeline as it shows on the customer's page.
pub mod api;
pub mod pages;
