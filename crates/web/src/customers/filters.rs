//! The list's further filters, shared by the API lists, exports and the list page: creation
//! and change dates, current consent, custom fields, and the order.
use crate::error::ApiError;
use serde::Deserialize;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use utoipa::IntoParams;
use vinculo_domain::customers::consent::{Channel, ConsentState, Purpose};
use vinculo_domain::customers::custom::FieldQuery;
use vinculo_store::customers::{CustomerFilter, Sort};

#[derive(Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct MoreFilters {
    /// Created on or after: `2026-11-01` (UTC) or an RFC 3339 time.
    pub created_from: Option<String>,
    /// Created up to and including this day (or before this RFC 3339 time).
    pub created_until: Option<String>,
    /// Last changed on or after.
    pub updated_from: Option<String>,
    /// Last changed up to and including this day.
    pub updated_until: Option<String>,
    /// Current consent: `channel:purpose` (opted in) or `channel:purpose:state`, e.g.
    /// `email:marketing` or `sms:surveys:opted_out`.
    pub consent: Option<String>,
    /// `newest` (default), `oldest`, `name`, `updated` (least recently changed first) or
    /// `cf.KEY` (a custom field; without a value last); `-` before any but the first two
    /// reverses it: `-updated`, `-cf.contract_value`.
    pub sort: Option<String>,
    /// Custom field filters: `cf.KEY=value` (a multi select: has the choice), `cf.KEY.min=`,
    /// `cf.KEY.max=` (numbers, money, dates), `cf.KEY.empty=true|false`. Values are read as
    /// the field reads them (`1.250,50`, `31/01/2026`, `sí`).
    #[serde(flatten)]
    #[param(ignore)]
    pub custom: HashMap<String, String>,
}

/// A day (its start, or with `end` the start of the next day) or an RFC 3339 time.
pub(crate) fn moment(field: &'static str, v: &str, end: bool) -> Result<OffsetDateTime, ApiError> {
    let v = v.trim();
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(v, day) {
        let start = d.midnight().assume_utc();
        return Ok(if end {
            start + Duration::days(1)
        } else {
            start
        });
    }
    OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).map_err(|_| {
        ApiError::invalid(field, "expected a date like 2026-11-01 or an RFC 3339 time")
    })
}

/// Adds the further filters to `f`.
pub fn refine(f: &mut CustomerFilter, m: &MoreFilters) -> Result<(), ApiError> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(v) = given(&m.created_from) {
        f.created_from = Some(moment("created_from", &v, false)?);
    }
    if let Some(v) = given(&m.created_until) {
        f.created_until = Some(moment("created_until", &v, true)?);
    }
    if let Some(v) = given(&m.updated_from) {
        f.updated_from = Some(moment("updated_from", &v, false)?);
    }
    if let Some(v) = given(&m.updated_until) {
        f.updated_until = Some(moment("updated_until", &v, true)?);
    }
    if let Some(v) = given(&m.consent) {
        let mut parts = v.split(':');
        let (channel, purpose, state) = (
            parts.next(),
            parts.next(),
            parts.next().unwrap_or("opted_in"),
        );
        let bad = || {
            ApiError::invalid(
                "consent",
                format!(
                    "write channel:purpose[:state], channel one of {}, purpose one of {}, state one of {}",
                    Channel::expected(),
                    Purpose::expected(),
                    ConsentState::expected()
                ),
            )
        };
        let channel = channel.and_then(Channel::parse).ok_or_else(bad)?;
        let purpose = purpose.and_then(Purpose::parse).ok_or_else(bad)?;
        let state = ConsentState::parse(state).ok_or_else(bad)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        f.consent = Some((
            channel.as_str().to_owned(),
            purpose.as_str().to_owned(),
            state.as_str().to_owned(),
        ));
    }
    if let Some(s) = given(&m.sort) {
        f.sort = sort_of(&s).ok_or_else(|| {
            ApiError::invalid(
                "sort",
                "expected newest, oldest, name, -name, updated, -updated, cf.KEY or -cf.KEY",
            )
        })?;
    }
    let mut fields: Vec<FieldQuery> = m
        .custom
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter_map(|(k, v)| FieldQuery::parse(k, v))
        .collect();
    // The query's order is lost in the map: sorted, so a list's answer does not vary.
    fields.sort_by_key(FieldQuery::name);
    f.fields = fields;
    Ok(())
}

/// A list's order from its query value.
pub fn sort_of(s: &str) -> Option<Sort> {
    let (desc, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    Some(match (desc, name) {
        (false, "newest") => Sort::Newest,
        (false, "oldest") => Sort::Oldest,
        (_, "name") => Sort::Name { desc },
        (_, "updated") => Sort::Updated { desc },
        (_, n) => Sort::Field {
            key: n.strip_prefix("cf.").filter(|k| !k.is_empty())?.to_owned(),
            field: None,
            desc,
        },
    })
}
