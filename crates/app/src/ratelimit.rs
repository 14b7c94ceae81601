//! Login throttling, per account and per client IP, and the web forms' submission limits,
//! in memory. Fixed windows are enough
//! here: the aim is to make password guessing slow, not to meter traffic precisely. A
//! deployment with several Vinculo processes multiplies the budget by their number.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failed attempts per account per window before it is locked for the rest of the window.
pub const ACCOUNT_FAILURES: u32 = 5;
/// Attempts (failed or not) per IP per window: a whole office may share one address.
pub const IP_ATTEMPTS: u32 = 30;

#[derive(Default)]
pub struct LoginLimiter {
    accounts: Mutex<HashMap<String, (Instant, u32)>>,
    ips: Mutex<HashMap<String, (Instant, u32)>>,
}

fn over(
    map: &Mutex<HashMap<String, (Instant, u32)>>,
    key: &str,
    limit: u32,
    now: Instant,
) -> Option<u64> {
    let map = map.lock().unwrap_or_else(|p| p.into_inner());
    match map.get(key) {
        Some((start, n)) if now.duration_since(*start) < WINDOW && *n >= limit => {
            Some((WINDOW - now.duration_since(*start)).as_secs().max(1))
        }
        _ => None,
    }
}

fn bump(map: &Mutex<HashMap<String, (Instant, u32)>>, key: &str, now: Instant) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() > 100_000 {
        map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
    }
    let e = map.entry(key.to_owned()).or_insert((now, 0));
    if now.duration_since(e.0) >= WINDOW {
        *e = (now, 0);
    }
    e.1 += 1;
}

impl LoginLimiter {
    /// `Some(seconds to wait)` when this attempt must be refused.
    pub fn check(&self, account: &str, ip: Option<&str>) -> Option<u64> {
        let now = Instant::now();
        let ip_wait = ip.and_then(|ip| over(&self.ips, ip, IP_ATTEMPTS, now));
        ip_wait.or_else(|| over(&self.accounts, account, ACCOUNT_FAILURES, now))
    }

    pub fn attempt(&self, ip: Option<&str>) {
        if let Some(ip) = ip {
            bump(&self.ips, ip, Instant::now());
        }
    }

    pub fn failed(&self, account: &str) {
        bump(&self.accounts, account, Instant::now());
    }

    pub fn succeeded(&self, account: &str) {
        self.accounts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
    }
}

/// Submissions to the public web forms per client IP per window: generous for people (a
/// shared office, someone correcting a typo), slow for a script.
pub const FORM_IP_SUBMISSIONS: u32 = 20;
/// Submissions per form per window, from every address together: a flood from many
/// addresses stops at this rather than filling the inbox.
pub const FORM_SUBMISSIONS: u32 = 1_000;

/// Submissions to the public web forms, per client IP and per form (same windows as login).
#[derive(Default)]
pub struct SubmitLimiter {
    ips: Mutex<HashMap<String, (Instant, u32)>>,
    forms: Mutex<HashMap<String, (Instant, u32)>>,
}

impl SubmitLimiter {
    /// Counts a submission; `Some(seconds to wait)` when it must be refused.
    pub fn submit(&self, form: &str, ip: Option<&str>) -> Option<u64> {
        let now = Instant::now();
        let wait = ip
            .and_then(|ip| over(&self.ips, ip, FORM_IP_SUBMISSIONS, now))
            .or_else(|| over(&self.forms, form, FORM_SUBMISSIONS, now));
        if wait.is_none() {
            if let Some(ip) = ip {
                bump(&self.ips, ip, now);
            }
            bump(&self.forms, form, now);
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_five_failures_and_unlocks_on_success() {
        let l = LoginLimiter::default();
        for _ in 0..ACCOUNT_FAILURES {
            assert!(l.check("ana@x.com", None).is_none());
            l.failed("ana@x.com");
        }
        assert!(l.check("ana@x.com", None).is_some());
        assert!(l.check("luis@x.com", None).is_none());
        l.succeeded("ana@x.com");
        assert!(l.check("ana@x.com", None).is_none());
    }

    #[test]
    fn form_submissions_are_limited_per_ip_across_forms() {
        let l = SubmitLimiter::default();
        for i in 0..FORM_IP_SUBMISSIONS {
            assert!(l.submit(&format!("f{i}"), Some("10.0.0.1")).is_none());
        }
        assert!(l.submit("f0", Some("10.0.0.1")).is_some());
        assert!(l.submit("f0", Some("10.0.0.2")).is_none());
    }

    #[test]
    fn an_ip_is_limited_across_accounts() {
        let l = LoginLimiter::default();
        for i in 0..IP_ATTEMPTS {
            assert!(l.check(&format!("u{i}@x.com"), Some("10.0.0.1")).is_none());
            l.attempt(Some("10.0.0.1"));
        }
        assert!(l.check("new@x.com", Some("10.0.0.1")).is_some());
        assert!(l.check("new@x.com", Some("10.0.0.2")).is_none());
    }
}
