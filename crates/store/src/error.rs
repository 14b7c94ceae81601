//! Store errors. A unique-constraint violation becomes `Conflict` naming the constraint in a
//! backend-neutral form (`table.column`): both migration trees name their unique constraints
//! that way, and SQLite's message is parsed into the same shape.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint {constraint} violated")]
    Conflict { constraint: String },
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                let constraint = match db.constraint() {
                    Some(c) => c.to_owned(),
                    // SQLite: "UNIQUE constraint failed: teams.workspace_id, teams.name";
                    // the last column is the one a person chose, and the one we report.
                    None => db
                        .message()
                        .rsplit([':', ','])
                        .next()
                        .map(|s| s.trim().to_owned())
                        .unwrap_or_default(),
                };
                return StoreError::Conflict { constraint };
            }
        }
        StoreError::Database(e)
    }
}

impl StoreError {
    /// The column a conflict is about (`users.email` gives `email`).
    pub fn conflict_field(&self) -> Option<&str> {
        match self {
            StoreError::Conflict { constraint } => constraint.rsplit('.').next(),
            _ => None,
        }
    }
}
