//! Postal addresses of people and organisations: free-form street lines (formats differ too
//! much between countries to split them further), city, region, postal code and an ISO
//! country code, with a label ("home", "facturación") and one primary.
use super::fields::{Checker, MAX_LIST};
use crate::identity::Region;
use serde::{Deserialize, Serialize};

/// An address as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressDraft {
    #[serde(default)]
    pub label: Option<String>,
    /// One or more lines ("Calle Mayor 5, 3º B").
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 (`ES`, `MX`).
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

/// A checked address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub label: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub primary: bool,
}

impl PostalAddress {
    /// One line for lists: "Calle Mayor 5, 28013 Madrid, ES".
    pub fn one_line(&self) -> String {
        let place = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street.as_deref().map(|s| s.replace('\n', ", ")),
            (!place.is_empty()).then_some(place),
            self.region.clone(),
            self.country.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

impl Checker {
    pub(super) fn addresses(&mut self, list: &[AddressDraft]) -> Vec<PostalAddress> {
        if list.len() > MAX_LIST {
            self.issue("addresses", super::Problem::TooMany { max: MAX_LIST });
            return Vec::new();
        }
        let mut out: Vec<PostalAddress> = Vec::new();
        for (i, a) in list.iter().enumerate() {
            let f = |name: &str| format!("addresses[{i}].{name}");
            let country = a
                .country
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .and_then(|c| match Region::parse(c) {
                    Some(r) if c.len() == 2 => Some(r.code().to_owned()),
                    _ => {
                        self.issue(f("country"), super::Problem::NotACountry(c.to_owned()));
                        None
                    }
                });
            let addr = PostalAddress {
                label: self.text(&f("label"), &a.label, 40),
                street: self.text(&f("street"), &a.street, 300),
                city: self.text(&f("city"), &a.city, 100),
                region: self.text(&f("region"), &a.region, 100),
                postal_code: self.text(&f("postal_code"), &a.postal_code, 20),
                country,
                primary: a.primary,
            };
            if addr.street.is_none() && addr.city.is_none() && addr.postal_code.is_none() {
                if addr.label.is_some() || addr.region.is_some() || addr.country.is_some() {
                    self.issue(
                        format!("addresses[{i}]"),
                        super::Problem::AddressWithoutPlace,
                    );
                }
                continue;
            }
            // The same place twice (a merge, a re-import) is one address; a primary flag wins.
            let same = |b: &PostalAddress| {
                PostalAddress {
                    primary: false,
                    ..b.clone()
                } == PostalAddress {
                    primary: false,
                    ..addr.clone()
                }
            };
            match out.iter_mut().find(|b| same(b)) {
                Some(b) => b.primary |= addr.primary,
                None => out.push(addr),
            }
        }
        let first_primary = out.iter().position(|a| a.primary).unwrap_or(0);
        for (i, a) in out.iter_mut().enumerate() {
            a.primary = i == first_primary;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_checked_and_get_one_primary() {
        let mut c = Checker::default();
        let out = c.addresses(&[
            AddressDraft {
                street: Some(" Calle Mayor 5 ".into()),
                city: Some("Madrid".into()),
                postal_code: Some("28013".into()),
                country: Some("es".into()),
                ..AddressDraft::default()
            },
            AddressDraft::default(),
            AddressDraft {
                city: Some("Lima".into()),
                country: Some("PE".into()),
                primary: true,
                ..AddressDraft::default()
            },
        ]);
        assert!(c.issues.is_empty(), "{:?}", c.issues);
        assert_eq!(out.len(), 2, "a blank address is skipped");
        assert_eq!(out[0].one_line(), "Calle Mayor 5, 28013 Madrid, ES");
        assert!(!out[0].primary && out[1].primary);
    }

    #[test]
    fn a_bad_country_or_an_address_with_no_place_is_an_issue() {
        let mut c = Checker::default();
        c.addresses(&[
            AddressDraft {
                city: Some("Madrid".into()),
                country: Some("Spain".into()),
                ..AddressDraft::default()
            },
            AddressDraft {
                country: Some("ES".into()),
                ..AddressDraft::default()
            },
        ]);
        let fields: Vec<&str> = c.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["addresses[0].country", "addresses[1]"]);
    }
}
