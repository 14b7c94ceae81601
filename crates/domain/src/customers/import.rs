//! Importing people from a spreadsheet: which column holds what. Headers are recognised in
//! English and Spanish and as HubSpot and Salesforce contact exports write them ("First Name",
//! "Mobile Phone Number", "MailingCity", "Account.Name", "Record ID"), and as Vinculo's own
//! export writes them, so its files import back. An explicit mapping (`Correo=email`) wins.
use super::custom::FieldDef;
use super::search::fold;
use super::{AddressDraft, AffiliationDraft, ContactPoint, PersonDraft};
use std::fmt;

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    GivenName,
    FamilyName,
    /// A whole name ("Ana Pérez"): the display name.
    FullName,
    Email,
    Phone,
    /// External ids: values written `source:id`, or plain ids of the named source.
    ExternalId(Option<String>),
    Organization,
    Title,
    Street,
    City,
    Region,
    PostalCode,
    Country,
    Stage,
    Tags,
    Notes,
    Birthday,
    Language,
    Timezone,
    /// A custom field, by key.
    Custom(String),
}

/// Every field with its name in `--map` and in the UI's mapping step.
pub const FIELDS: [(&str, Field); 19] = [
    ("given_name", Field::GivenName),
    ("family_name", Field::FamilyName),
    ("name", Field::FullName),
    ("email", Field::Email),
    ("phone", Field::Phone),
    ("external_id", Field::ExternalId(None)),
    ("organization", Field::Organization),
    ("title", Field::Title),
    ("street", Field::Street),
    ("city", Field::City),
    ("region", Field::Region),
    ("postal_code", Field::PostalCode),
    ("country", Field::Country),
    ("lifecycle_stage", Field::Stage),
    ("tags", Field::Tags),
    ("notes", Field::Notes),
    ("birthday", Field::Birthday),
    ("language", Field::Language),
    ("timezone", Field::Timezone),
];

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::ExternalId(Some(source)) => write!(f, "external_id:{source}"),
            Field::Custom(key) => write!(f, "cf.{key}"),
            other => {
                let name = FIELDS.iter().find(|(_, x)| x == other).map(|(n, _)| *n);
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

impl Field {
    /// `email`, `external_id:hubspot`…
    pub fn parse(s: &str) -> Option<Field> {
        let s = s.trim().to_ascii_lowercase();
        if let Some(key) = s.strip_prefix("cf.") {
            let ok = key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            return ok.then(|| Field::Custom(key.to_owned()));
        }
        if let Some(source) = s.strip_prefix("external_id:") {
            let ok = (1..=32).contains(&source.len())
                && source.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            return ok.then(|| Field::ExternalId(Some(source.to_owned())));
        }
        FIELDS.iter().find(|(n, _)| *n == s).map(|(_, f)| f.clone())
    }

    /// The field a header names: a custom field whose key or label it is (ignoring case and
    /// accents; the admin defined it for this workspace, so it wins), else one we know.
    pub fn recognise_in(header: &str, custom: &[FieldDef]) -> Option<Field> {
        let h = fold(header.trim());
        let h = h.strip_prefix("cf.").unwrap_or(&h);
        custom
            .iter()
            .find(|d| d.key == h || fold(&d.label) == h)
            .map(|d| Field::Custom(d.key.clone()))
            .or_else(|| Field::recognise(header))
    }

    /// The field a header names, if it is one we know.
    pub fn recognise(header: &str) -> Option<Field> {
        let key: String = fold(header)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let f = match key.as_str() {
            "firstname" | "givenname" | "nombre" | "forename" | "first" | "nombres" => {
                Field::GivenName
            }
            "lastname" | "familyname" | "surname" | "apellidos" | "apellido" | "last" => {
                Field::FamilyName
            }
            "name" | "fullname" | "displayname" | "contactname" | "nombrecompleto" | "cliente"
            | "contacto" => Field::FullName,
            "email"
            | "emails"
            | "emailaddress"
            | "correo"
            | "correoelectronico"
            | "mail"
            | "email1"
            | "email2"
            | "workemail"
            | "secondaryemail"
            | "additionalemailaddresses"
            | "correos"
            | "personalemail" => Field::Email,
            "phone" | "phones" | "phonenumber" | "telephone" | "telefono" | "tel" | "mobile"
            | "mobilephone" | "mobilephonenumber" | "movil" | "celular" | "homephone"
            | "workphone" | "otherphone" | "businessphone" | "telefonos" | "telefonomovil"
            | "whatsapp" => Field::Phone,
            "externalids" | "externalid" => Field::ExternalId(None),
            "recordid" | "hubspotid" | "contactrecordid" => {
                Field::ExternalId(Some("hubspot".into()))
            }
            "contactid" | "salesforceid" | "sfid" => Field::ExternalId(Some("salesforce".into())),
            "company" | "companyname" | "accountname" | "organization" | "organisation"
            | "organizations" | "empresa" | "compania" | "razonsocial" => Field::Organization,
            "jobtitle" | "title" | "cargo" | "puesto" | "position" => Field::Title,
            "streetaddress" | "address" | "street" | "mailingstreet" | "direccion" | "calle"
            | "address1" | "domicilio" => Field::Street,
            "city" | "mailingcity" | "ciudad" | "localidad" | "municipio" | "town"
            | "poblacion" => Field::City,
            "state" | "stateregion" | "region" | "province" | "provincia" | "mailingstate"
            | "estado" | "county" | "departamento" => Field::Region,
            "postalcode" | "zip" | "zipcode" | "mailingpostalcode" | "codigopostal" | "cp" => {
                Field::PostalCode
            }
            "country" | "countryregion" | "mailingcountry" | "pais" => Field::Country,
            "lifecyclestage" | "stage" | "etapa" => Field::Stage,
            "tags" | "etiquetas" | "labels" => Field::Tags,
            "notes" | "description" | "notas" | "comentarios" | "comments" | "observaciones" => {
                Field::Notes
            }
            "birthday" | "birthdate" | "dateofbirth" | "fechadenacimiento" | "nacimiento"
            | "cumpleanos" => Field::Birthday,
            "language" | "preferredlanguage" | "idioma" => Field::Language,
            "timezone" | "zonahoraria" => Field::Timezone,
            _ => return None,
        };
        Some(f)
    }
}

/// Which field each column holds (`None`: ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping(pub Vec<Option<Field>>);

impl Mapping {
    /// Recognises the headers, then applies `overrides` (`header=field` or `header=ignore`,
    /// comma-separated; headers compared without case or accents). `custom` are the
    /// workspace's custom fields (`header=cf.KEY`).
    pub fn new(
        headers: &[String],
        overrides: &str,
        custom: &[FieldDef],
    ) -> Result<Mapping, String> {
        let mut cols: Vec<Option<Field>> = headers
            .iter()
            .map(|h| Field::recognise_in(h, custom))
            .collect();
        for pair in overrides
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (header, field) = pair
                .rsplit_once('=')
                .ok_or_else(|| format!("{pair:?}: write a mapping as Header=field"))?;
            let i = headers
                .iter()
                .position(|h| fold(h.trim()) == fold(header.trim()))
                .ok_or_else(|| {
                    format!(
                        "{header:?} is not a column of the file (its columns: {})",
                        headers.join(", ")
                    )
                })?;
            cols[i] = match field.trim() {
                "ignore" | "-" => None,
                f => Some(Field::parse(f).ok_or_else(|| {
                    let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
                    format!(
                        "{f:?} is not a field: use one of {}, external_id:SOURCE, cf.KEY or ignore",
                        names.join(", ")
                    )
                })?),
            };
            if let Some(Field::Custom(key)) = &cols[i] {
                if !custom.iter().any(|d| &d.key == key) {
                    let keys: Vec<&str> = custom.iter().map(|d| d.key.as_str()).collect();
                    return Err(if keys.is_empty() {
                        format!("{field:?}: the workspace has no custom fields")
                    } else {
                        format!(
                            "{field:?}: no custom field has this key (they are: {})",
                            keys.join(", ")
                        )
                    });
                }
            }
        }
        if !cols.iter().flatten().any(|f| {
            matches!(
                f,
                Field::GivenName
                    | Field::FamilyName
                    | Field::FullName
                    | Field::Email
                    | Field::Phone
            )
        }) {
            return Err(
                "no column holds a name, an e-mail or a phone: map one with --map Header=field"
                    .into(),
            );
        }
        Ok(Mapping(cols))
    }
}

/// One row, read through the mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub person: PersonDraft,
    /// The organisation's name, to be found or created.
    pub organization: Option<String>,
    /// An ISO country the row's address names: its phones are read there.
    pub country: Option<String>,
}

/// Country names people write in the countries column, to their ISO code.
fn country_code(v: &str) -> Option<&'static str> {
    let key: String = fold(v)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Some(match key.as_str() {
        "spain" | "espana" => "ES",
        "mexico" => "MX",
        "argentina" => "AR",
        "colombia" => "CO",
        "chile" => "CL",
        "peru" => "PE",
        "venezuela" => "VE",
        "ecuador" => "EC",
        "uruguay" => "UY",
        "paraguay" => "PY",
        "bolivia" => "BO",
        "guatemala" => "GT",
        "costarica" => "CR",
        "panama" => "PA",
        "cuba" => "CU",
        "republicadominicana" | "dominicanrepublic" => "DO",
        "puertorico" => "PR",
        "honduras" => "HN",
        "elsalvador" => "SV",
        "nicaragua" => "NI",
        "unitedstates" | "unitedstatesofamerica" | "usa" | "estadosunidos" | "eeuu" => "US",
        "unitedkingdom" | "uk" | "reinounido" | "greatbritain" => "GB",
        "france" | "francia" => "FR",
        "germany" | "alemania" => "DE",
        "portugal" => "PT",
        "italy" | "italia" => "IT",
        "brazil" | "brasil" => "BR",
        "canada" => "CA",
        "andorra" => "AD",
        _ => return None,
    })
}

fn split_list(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The row as a person draft. `cells` are the row's values in column order.
pub fn read_row(mapping: &Mapping, cells: &[&str]) -> Row {
    let mut row = Row::default();
    let p = &mut row.person;
    let mut address = AddressDraft::default();
    let mut title = None;
    let set = |slot: &mut Option<String>, v: &str| {
        if slot.is_none() {
            *slot = Some(v.to_owned());
        }
    };
    for (field, raw) in mapping.0.iter().zip(cells) {
        let (Some(field), v) = (field, raw.trim()) else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        match field {
            Field::GivenName => set(&mut p.given_name, v),
            Field::FamilyName => set(&mut p.family_name, v),
            Field::FullName => set(&mut p.display_name, v),
            Field::Email => p.emails.extend(split_list(v).map(|value| ContactPoint {
                value,
                ..ContactPoint::default()
            })),
            Field::Phone => p.phones.extend(split_list(v).map(|value| ContactPoint {
                value,
                ..ContactPoint::default()
            })),
            Field::ExternalId(None) => p.external_ids.extend(split_list(v)),
            Field::ExternalId(Some(source)) => p.external_ids.push(format!("{source}:{v}")),
            // Vinculo's export writes "Acme (Directora)": the name before the title.
            Field::Organization => set(
                &mut row.organization,
                v.split(';').next().map_or(v, |first| {
                    first.rsplit_once(" (").map_or(first, |(name, _)| name)
                }),
            ),
            Field::Title => set(&mut title, v),
            Field::Street => set(&mut address.street, v),
            Field::City => set(&mut address.city, v),
            Field::Region => set(&mut address.region, v),
            Field::PostalCode => set(&mut address.postal_code, v),
            Field::Country => {
                let code = country_code(v)
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_owned());
                set(&mut address.country, &code);
            }
            Field::Stage => set(&mut p.lifecycle_stage, v),
            Field::Tags => p.tags.extend(
                v.split([';', ','])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            ),
            Field::Notes => set(&mut p.notes, v),
            Field::Birthday => set(&mut p.birthday, v),
            Field::Language => set(&mut p.language, v),
            Field::Timezone => set(&mut p.timezone, v),
            Field::Custom(key) => {
                p.custom_fields
                    .entry(key.clone())
                    .or_insert_with(|| serde_json::Value::String(v.to_owned()));
            }
        }
    }
    row.country = address.country.clone().filter(|c| c.len() == 2);
    if address != AddressDraft::default() {
        p.addresses.push(address);
    }
    if let Some(name) = &row.organization {
        // The organisation's id is filled in once it is found or created.
        p.organizations.push(AffiliationDraft {
            organization_id: String::new(),
            title,
        });
        row.organization = Some(name.clone());
    }
    row
}

/// HubSpot's lifecycle stages, to the stage of Vinculo's defaults they mean.
pub fn known_stage_alias(v: &str) -> Option<&'static str> {
    let key: String = fold(v)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Some(match key.as_str() {
        "subscriber" | "suscriptor" | "other" => "prospect",
        "lead"
        | "marketingqualifiedlead"
        | "salesqualifiedlead"
        | "opportunity"
        | "mql"
        | "sql" => "lead",
        "customer" | "evangelist" | "cliente" => "customer",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn hubspot_salesforce_and_spanish_headers_are_recognised() {
        let hubspot = headers(&[
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Mobile Phone Number",
            "Company Name",
            "Job Title",
            "Country/Region",
            "Lifecycle Stage",
        ]);
        let m = Mapping::new(&hubspot, "", &[]).expect("mapping");
        assert_eq!(m.0[0], Some(Field::ExternalId(Some("hubspot".into()))));
        assert_eq!(m.0[4], Some(Field::Phone));
        assert_eq!(m.0[5], Some(Field::Organization));
        let sf = headers(&[
            "FirstName",
            "LastName",
            "MobilePhone",
            "Account.Name",
            "MailingPostalCode",
        ]);
        let m = Mapping::new(&sf, "", &[]).expect("mapping");
        assert_eq!(
            m.0,
            vec![
                Some(Field::GivenName),
                Some(Field::FamilyName),
                Some(Field::Phone),
                Some(Field::Organization),
                Some(Field::PostalCode)
            ]
        );
        let es = headers(&[
            "Nombre",
            "Apellidos",
            "Correo electrónico",
            "Teléfono",
            "Código postal",
            "País",
            "Otra cosa",
        ]);
        let m = Mapping::new(&es, "", &[]).expect("mapping");
        assert_eq!(m.0[2], Some(Field::Email));
        assert_eq!(m.0[4], Some(Field::PostalCode));
        assert_eq!(m.0[6], None);
    }

    #[test]
    fn an_explicit_mapping_wins_and_bad_ones_say_why() {
        let h = headers(&["Cliente", "Correo", "Código"]);
        let m = Mapping::new(
            &h,
            "codigo=external_id:erp, Cliente=ignore, Correo=email",
            &[],
        )
        .expect("mapping");
        assert_eq!(
            m.0,
            vec![
                None,
                Some(Field::Email),
                Some(Field::ExternalId(Some("erp".into())))
            ]
        );
        assert!(Mapping::new(&h, "Nope=email", &[])
            .expect_err("no column")
            .contains("Cliente, Correo, Código"));
        assert!(Mapping::new(&h, "Correo=mail", &[])
            .expect_err("no field")
            .contains("not a field"));
        assert!(Mapping::new(&headers(&["a", "b"]), "", &[])
            .expect_err("nothing")
            .contains("no column"));
    }

    #[test]
    fn a_row_becomes_a_person_with_address_organisation_and_lists() {
        let h = headers(&[
            "First Name",
            "Email",
            "Phone",
            "Company",
            "Title",
            "City",
            "Country",
            "Tags",
            "Record ID",
        ]);
        let m = Mapping::new(&h, "", &[]).expect("mapping");
        let row = read_row(
            &m,
            &[
                "Ana",
                "ana@x.es; ana@y.es",
                "55 1234 5678",
                "Acme (old)",
                "CFO",
                "CDMX",
                "México",
                "vip, b2b",
                "77",
            ],
        );
        assert_eq!(row.person.emails.len(), 2);
        assert_eq!(row.organization.as_deref(), Some("Acme"));
        assert_eq!(row.person.organizations[0].title.as_deref(), Some("CFO"));
        assert_eq!(row.country.as_deref(), Some("MX"));
        assert_eq!(row.person.addresses[0].city.as_deref(), Some("CDMX"));
        assert_eq!(row.person.tags, vec!["vip", "b2b"]);
        assert_eq!(row.person.external_ids, vec!["hubspot:77"]);
    }
}
