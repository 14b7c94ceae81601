//! Imports started from the browser: each runs in a background task while its page polls
//! for progress. The registry lives in memory (a restart forgets it, and the uploaded file
//! with it): an import is a one-off a person watches, not a durable job. Only the person who
//! uploaded a file, in the workspace they uploaded it to, can see or run it.
use super::import_file::{self, TempCsv};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use uuid::Uuid;
use vinculo_app::imports::{import_csv, ImportOptions, ImportReport, Progress};
use vinculo_app::{App, AppError, Principal};
use vinculo_domain::ids::{UserId, WorkspaceId};

/// Uploads and finished reports are forgotten (and their files deleted) after this long
/// without activity; a running import never is.
const KEEP: Duration = Duration::from_secs(60 * 60);

/// Where an import stands.
#[derive(Clone, Debug)]
pub enum Stage {
    /// Uploaded, waiting for the mapping.
    Uploaded,
    Running,
    Finished(Arc<ImportReport>),
    Failed(String),
}

/// One uploaded file and the runs made with it.
pub struct ImportJob {
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub file_name: String,
    pub headers: Vec<String>,
    pub total_bytes: u64,
    /// The stored upload; gone once a real import has read it.
    pub file: Option<TempCsv>,
    /// The mapping and mode of the latest run.
    pub mapping: String,
    pub dry_run: bool,
    pub stage: Stage,
    pub progress: Progress,
    /// The running import's reader's byte counter (it advances between batches).
    bytes_read: Arc<AtomicU64>,
    touched: Instant,
}

/// A copy of a job's state for a page or the status poll.
#[derive(Clone, Debug)]
pub struct JobView {
    pub file_name: String,
    pub headers: Vec<String>,
    pub total_bytes: u64,
    pub has_file: bool,
    pub mapping: String,
    pub dry_run: bool,
    pub stage: Stage,
    pub progress: Progress,
}

impl JobView {
    /// Percent of the file read (100 when finished).
    pub fn percent(&self) -> u64 {
        match self.stage {
            Stage::Finished(_) => 100,
            _ if self.total_bytes == 0 => 0,
            _ => (self.progress.bytes_read * 100 / self.total_bytes).min(100),
        }
    }
}

/// The registry shared by the web state.
#[derive(Clone, Default)]
pub struct ImportJobs(Arc<Mutex<HashMap<Uuid, ImportJob>>>);

impl ImportJobs {
    fn lock(&self) -> MutexGuard<'_, HashMap<Uuid, ImportJob>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers an upload by `p`; returns its id.
    pub fn add(
        &self,
        p: &Principal,
        file_name: String,
        headers: Vec<String>,
        file: TempCsv,
    ) -> Uuid {
        let id = Uuid::new_v4();
        let mut jobs = self.lock();
        jobs.retain(|_, j| matches!(j.stage, Stage::Running) || j.touched.elapsed() < KEEP);
        jobs.insert(
            id,
            ImportJob {
                workspace_id: p.workspace_id,
                user_id: p.user_id,
                file_name,
                headers,
                total_bytes: file.size,
                file: Some(file),
                mapping: String::new(),
                dry_run: true,
                stage: Stage::Uploaded,
                progress: Progress::default(),
                bytes_read: Arc::new(AtomicU64::new(0)),
                touched: Instant::now(),
            },
        );
        id
    }

    /// The job `id` as `p` may see it: theirs, in this workspace; else `None`.
    pub fn view(&self, p: &Principal, id: Uuid) -> Option<JobView> {
        let jobs = self.lock();
        let j = jobs
            .get(&id)
            .filter(|j| j.user_id == p.user_id && j.workspace_id == p.workspace_id)?;
        let mut progress = j.progress.clone();
        if matches!(j.stage, Stage::Running) {
            progress.bytes_read = progress
                .bytes_read
                .max(j.bytes_read.load(Ordering::Relaxed));
        }
        Some(JobView {
            file_name: j.file_name.clone(),
            headers: j.headers.clone(),
            total_bytes: j.total_bytes,
            has_file: j.file.is_some(),
            mapping: j.mapping.clone(),
            dry_run: j.dry_run,
            stage: j.stage.clone(),
            progress,
        })
    }

    /// The stored file of `p`'s job, to preview it.
    pub fn file_path(&self, p: &Principal, id: Uuid) -> Option<std::path::PathBuf> {
        let jobs = self.lock();
        jobs.get(&id)
            .filter(|j| j.user_id == p.user_id && j.workspace_id == p.workspace_id)
            .and_then(|j| j.file.as_ref().map(|f| f.path.clone()))
    }

    /// Starts a run of `p`'s job in the background. `Ok(false)` when it is running already;
    /// `Err` when there is no such job or its file is gone.
    pub fn start(
        &self,
        app: &App,
        p: &Principal,
        id: Uuid,
        mapping: String,
        dry_run: bool,
    ) -> Result<bool, AppError> {
        let (path, file_name) = {
            let mut jobs = self.lock();
            let j = jobs
                .get_mut(&id)
                .filter(|j| j.user_id == p.user_id && j.workspace_id == p.workspace_id)
                .ok_or(AppError::NotFound("import"))?;
            if matches!(j.stage, Stage::Running) {
                return Ok(false);
            }
            let path = j
                .file
                .as_ref()
                .map(|f| f.path.clone())
                .ok_or(AppError::NotFound("import file"))?;
            j.stage = Stage::Running;
            j.mapping = mapping.clone();
            j.dry_run = dry_run;
            j.progress = Progress::default();
            j.bytes_read = Arc::new(AtomicU64::new(0));
            j.touched = Instant::now();
            (path, j.file_name.clone())
        };
        let (jobs, app, p) = (self.clone(), app.clone(), p.clone());
        let opts = ImportOptions {
            mapping,
            dry_run,
            file_name,
        };
        tokio::spawn(async move {
            let outcome = run(&jobs, &app, &p, id, path, &opts).await;
            jobs.finish(id, outcome);
        });
        Ok(true)
    }

    /// Follows the byte counter of the reader (progress between batches).
    fn watch(&self, id: Uuid, bytes_read: Arc<AtomicU64>) {
        if let Some(j) = self.lock().get_mut(&id) {
            j.bytes_read = bytes_read;
        }
    }

    fn progress(&self, id: Uuid, progress: &Progress) {
        if let Some(j) = self.lock().get_mut(&id) {
            j.progress = progress.clone();
            j.touched = Instant::now();
        }
    }

    fn finish(&self, id: Uuid, outcome: Result<ImportReport, String>) {
        let mut jobs = self.lock();
        let Some(j) = jobs.get_mut(&id) else {
            return;
        };
        j.touched = Instant::now();
        match outcome {
            Ok(report) => {
                j.progress = report.counts.clone();
                // A real import is done with the file; a dry run keeps it for the real one.
                if !report.dry_run {
                    j.file = None;
                }
                j.stage = Stage::Finished(Arc::new(report));
            }
            Err(message) => {
                j.file = None;
                j.stage = Stage::Failed(message);
            }
        }
    }
}

async fn run(
    jobs: &ImportJobs,
    app: &App,
    p: &Principal,
    id: Uuid,
    path: std::path::PathBuf,
    opts: &ImportOptions,
) -> Result<ImportReport, String> {
    let result = if import_file::is_vcard(&path).await {
        let bytes = tokio::fs::read(&path).await.map_err(|e| e.to_string())?;
        vinculo_app::imports::import_vcard(app, p, bytes, opts, |progress| {
            jobs.progress(id, progress)
        })
        .await
    } else {
        let source = import_file::open(path).await?;
        jobs.watch(id, source.bytes_read.clone());
        import_csv(app, p, source, opts, |progress| jobs.progress(id, progress)).await
    };
    result.map_err(|e| match e {
        AppError::Invalid { message, .. } => message,
        AppError::Store(_) | AppError::Internal(_) => {
            tracing::error!(error = ?e, "import failed");
            "the import stopped because of an error on our side".to_owned()
        }
        other => other.to_string(),
    })
}
