//! The customer timeline on the customer page (see `customers::pages::show`).
