//! Field problems (`vinculo_domain::customers::Problem`) as the UI says them: the field's
//! label in the page's language ("Correo electrónico 2" for `emails[1].value`) and the
//! problem translated. English is the problem's own text (the API's `message`); every other
//! language has its arm here, and a new problem that lacks one does not compile.
use crate::i18n::Msg;
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::identity::KeyError;

/// "Label: problem", for a form's error box (a problem of no one field: the problem).
pub fn issue_text(m: &Msg, i: &FieldIssue) -> String {
    issue_text_in(m, i, &[])
}

/// [`issue_text`] naming custom fields by their labels in `fields`.
pub fn issue_text_in(m: &Msg, i: &FieldIssue, fields: &[FieldDef]) -> String {
    let label = i
        .field
        .strip_prefix("custom_fields.")
        .and_then(|key| fields.iter().find(|d| d.key == key))
        .map_or_else(|| field_label(m, &i.field), |d| d.label.clone());
    match i.field.as_str() {
        "" => problem_text(m, &i.problem),
        _ => format!("{label}: {}", problem_text(m, &i.problem)),
    }
}

/// Several issues on one line (an import's rejected row).
pub fn issues_text(m: &Msg, issues: &[FieldIssue]) -> String {
    joined(m, issues, &[], "; ")
}

/// A form's issues in its error box, custom fields named by their labels in `fields`.
pub fn form_issues(m: &Msg, issues: &[FieldIssue], fields: &[FieldDef]) -> String {
    joined(m, issues, fields, " · ")
}

fn joined(m: &Msg, issues: &[FieldIssue], fields: &[FieldDef], sep: &str) -> String {
    issues
        .iter()
        .map(|i| issue_text_in(m, i, fields))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A field path as a person reads it: `emails[1].value` is the second e-mail,
/// `custom_fields.plan` the field keyed `plan`.
pub fn field_label(m: &Msg, field: &str) -> String {
    if let Some(key) = field.strip_prefix("custom_fields.") {
        return key.to_owned();
    }
    // `value_tiers[1].min_spend_cents` is the second tier's minimum: "Nivel 2, gasto mínimo".
    if let Some((n, part)) = field
        .strip_prefix("value_tiers[")
        .and_then(|r| r.split_once(']'))
    {
        let n = n.parse::<usize>().map_or(0, |n| n + 1);
        let part = match part {
            ".min_spend_cents" => m.tier_row_min,
            _ => m.tier_row_name,
        };
        return format!("{} {n}, {part}", m.tier_row);
    }
    let (root, rest) = field.split_once('[').unwrap_or((field, ""));
    let nth = rest
        .split(']')
        .next()
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| format!(" {}", n + 1))
        .unwrap_or_default();
    let label = match root {
        "given_name" => m.given_name,
        "family_name" => m.family_name,
        "display_name" | "name" | "label" => m.org_name,
        "emails" => m.email,
        "phones" => m.field_phone,
        "external_ids" => m.field_external_id,
        "domains" => m.domains,
        "birthday" => m.birthday,
        "lifecycle_stage" | "stages" => m.stage,
        "tags" => m.tags,
        "notes" => m.notes,
        "addresses" => m.address,
        "organizations" => m.organization,
        "tax_id" => m.tax_id,
        "industry" => m.industry,
        "size" => m.size,
        "language" => m.language,
        "timezone" => m.field_timezone,
        "value_tiers" | "value_tier_basis" => m.settings_tiers,
        "value_tier_field" => m.settings_tier_field,
        "currency" => m.settings_currency,
        _ => return field.to_owned(),
    };
    format!("{label}{nth}")
}

/// The problem in the page's language.
pub fn problem_text(m: &Msg, p: &Problem) -> String {
    if m.lang == "en" {
        return p.to_string();
    }
    spanish(p)
}

fn spanish(p: &Problem) -> String {
    use Problem::*;
    match p {
        TooLong { max } => format!("más de {max} caracteres"),
        Missing => "obligatorio".into(),
        NotATime(v) => format!("«{v}» no es una fecha y hora como 2026-11-22T10:30:00Z"),
        InTheFuture { minutes } => format!("más de {minutes} minutos en el futuro"),
        NoIdentity => {
            "indique customer_id o al menos uno de email, phone, external_id, device_id".into()
        }
        NotAnObject => "se esperaba un objeto JSON".into(),
        TooBig { max } => format!("más de {max} bytes"),
        NotACustomerId(v) => format!("«{v}» no es un identificador de cliente"),
        NoSuchCustomer(v) => format!("no hay ningún cliente {v} en este espacio de trabajo"),
        TooMany { max } => format!("como mucho {max}"),
        Key(KeyError::Email(v)) => format!("«{v}» no es un correo electrónico"),
        Key(KeyError::Phone { value, region }) => match region {
            Some(r) => format!("«{value}» no es un teléfono válido (leído como número de {r})"),
            None => format!("«{value}» no es un teléfono válido"),
        },
        Key(KeyError::External(v)) => {
            format!("«{v}» no es un id externo: escríbelo como origen:id, p. ej. erp:C-0042")
        }
        Key(KeyError::Domain(v)) => format!("«{v}» no es un dominio como acme.es"),
        Owner(e) => format!("«{}» no es un responsable: user:<id> o team:<id>", e.0),
        NoSuchOwner(v) => format!("no hay ningún miembro ni equipo {v} en este espacio de trabajo"),
        NoName => "escribe un nombre, un correo o un teléfono".into(),
        NoOrganizationName => "una empresa necesita un nombre".into(),
        NotADate { value, example } => format!("«{value}» no es una fecha como {example}"),
        UnknownStage { value, stages } => {
            format!(
                "etapa desconocida «{value}»: usa una de {}",
                stages.join(", ")
            )
        }
        TagLength { max } => format!("una etiqueta tiene de 1 a {max} caracteres"),
        NotAnOrganizationId(v) => format!("«{v}» no es un id de empresa"),
        NoSuchOrganization(id) => format!("no hay ninguna empresa {id} en este espacio"),
        NotACountry(v) => format!("«{v}» no es un código de país ISO como ES o MX"),
        AddressWithoutPlace => "indica al menos la calle, la ciudad o el código postal".into(),
        NotASize { value } => format!(
            "tamaño desconocido «{value}»: usa uno de {}",
            vinculo_domain::customers::SIZES.join(", ")
        ),
        NotOneOf(list) => format!("se esperaba uno de {list}"),
        RepeatedOption(v) => format!("«{v}» está repetido"),
        TooManyOptions { max } => format!("como mucho {max} opciones"),
        NoLabel => "ponle un nombre al campo".into(),
        BadKey { value, max } => {
            format!("«{value}»: usa minúsculas, cifras y _, empezando por una letra, hasta {max}")
        }
        KeyWithoutLetters => "el nombre no tiene letras: indica una clave".into(),
        KeyTaken(k) => format!("«{k}» ya es la clave de otro campo"),
        UnknownType { value, types } => {
            format!("«{value}» no es un tipo: usa uno de {}", types.join(", "))
        }
        NoType => "elige un tipo".into(),
        BadAppliesTo => "se esperaba person, organization o both".into(),
        NoOptions => "una lista de opciones necesita al menos una opción".into(),
        OptionsWithoutSelect => "solo los campos de opciones tienen opciones".into(),
        NotACurrency(v) => format!("«{v}» no es un código de moneda ISO como EUR"),
        CurrencyWithoutMoney => "solo los campos de importe tienen moneda".into(),
        ChoiceInUse { count, choice } => {
            format!("{count} clientes tienen «{choice}»: cambia su valor antes de quitar la opción")
        }
        NoSuchField => "ningún campo personalizado tiene esta clave".into(),
        NoFieldWithKey(k) => format!("ningún campo personalizado tiene la clave «{k}»"),
        NotForPeople => "no es un campo de personas".into(),
        NotForOrganizations => "no es un campo de empresas".into(),
        NotFinite => "no es un número finito".into(),
        OtherCurrency { given, currency } => {
            format!("«{given}»: este campo está en {currency}")
        }
        MoneyShape => {
            "escribe {\"amount\": unidades mínimas, \"currency\": código} o un número".into()
        }
        OptionsAsText => "escribe las opciones como texto".into(),
        WrongType { type_name } => format!("se esperaba un valor de tipo {type_name}"),
        NotANumber(v) => format!("«{v}» no es un número"),
        NotAnAmount(v) => format!("«{v}» no es un importe"),
        AmountTooLarge => "importe demasiado grande".into(),
        NotYesOrNo(v) => format!("«{v}» no es sí o no"),
        NotAChoice { value, options } => {
            format!("«{value}» no es ninguna de: {}", options.join(", "))
        }
        NotAWebAddress(v) => format!("«{v}» no es una dirección web"),
        NotAHost(v) => format!("«{v}» no es un nombre de servidor ni una dirección"),
        NotAPort(v) => format!("«{v}» no es un puerto (de 1 a 65535)"),
        PlainOffLoopback => "una conexión sin cifrar solo se admite con esta misma máquina (localhost, 127.0.0.1, ::1): use tls o starttls".into(),
        NotACertificate => "no es un certificado PEM (-----BEGIN CERTIFICATE-----)".into(),
        NotTrueOrFalse => "se esperaba true o false".into(),
        NoFilterValue => "indica un valor (o usa .empty=true)".into(),
        OneChoiceAtATime => "filtra por una opción cada vez".into(),
        RangeNeedsOrder => "un rango necesita un campo de número, importe o fecha".into(),
        CannotFilter => "no se puede filtrar por este valor".into(),
        CannotSortMulti => "no se puede ordenar por un campo de varias opciones".into(),
        CursorOfAnotherOrder => {
            "este cursor es de una lista en otro orden: vuelve a empezar sin él".into()
        }
        ViewName { max } => format!("ponle a la vista un nombre de 1 a {max} caracteres"),
        StageCount { max } => format!("indica de 1 a {max} etapas"),
        BadStage(v) => format!("«{v}»: una etapa tiene de 1 a 30 letras a-z, cifras y _"),
        StageInUse { count, stage } => {
            format!("{count} clientes están en la etapa «{stage}»: pásalos antes a otra etapa")
        }
        NotPositive => "debe ser mayor que 0".into(),
        TierNotBelow(tier) => {
            format!("debe ser menor que el mínimo de «{tier}»: ordena los niveles de mayor a menor")
        }
        NotASingleSelect(k) => format!("«{k}» no es un campo de una sola opción"),
        TierFieldInUse => "los niveles de valor se leen de este campo: elige antes otro campo u otra base en los ajustes de clientes".into(),
        KeysOfSeveralCustomers => "sus correos, teléfonos o ids son de clientes distintos: \
                                   fusiónalos antes, o importa la fila sin las claves de uno"
            .into(),
        ErasedDuringImport => "el cliente que coincidía se borró durante la importación".into(),
        KeysOfOrganization(name) => {
            format!("sus claves son de una empresa ({name}), no de una persona")
        }
        UnreadableRow(detail) => format!("fila ilegible: {detail}"),
        NotACardProperty(line) => format!("no es una propiedad de vCard: «{line}»"),
        CardWithoutEnd => "una tarjeta sin END:VCARD".into(),
        SurvivorMerged => "el cliente que se conserva no puede fusionarse consigo mismo".into(),
        Repeated => "aparece dos veces".into(),
        NotMerged(id) => format!("{id} no es uno de los clientes fusionados"),
        NotAMergeField { fields } => {
            format!(
                "no es un campo que se elija: usa uno de {}",
                fields.join(", ")
            )
        }
        OtherKind => "no se puede fusionar una persona con una empresa".into(),
        UnknownPlaceholder { name, line, column, known } => format!(
            "marcador desconocido {{{{{name}}}}} en la línea {line}, columna {column}: usa uno de {known}"
        ),
        UnbalancedBraces { line, column } => format!(
            "llaves sin cerrar en la línea {line}, columna {column}: escribe un marcador como {{{{customer.given_name}}}} en una sola línea"
        ),
        BadShortcut { value, max } => {
            format!("«{value}»: un atajo tiene de 1 a {max} letras, cifras, - y _")
        }
        BadSlug(v) => format!("«{v}»: una dirección tiene de 2 a 60 letras a-z, cifras y -"),
        NotATarget(v) => format!("«{v}» no es un campo que se pueda rellenar"),
        NoContactField => "añade un campo de correo o de teléfono: cada envío debe decir quién lo manda".into(),
        NotAnOrigin(v) => format!("«{v}» no es un origen como https://ejemplo.com (sin ruta ni *)"),
        NoSuchTeam(v) => format!("no hay ningún equipo {v} en este espacio de trabajo"),
        NoSuchMailbox(v) => format!("no hay ningún buzón {v} en este espacio de trabajo"),
        NoContact => "indica un correo electrónico o un teléfono".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ES};

    #[test]
    fn a_form_says_which_field_and_what_in_its_language() {
        let i = FieldIssue::new(
            "emails[1].value",
            Problem::Key(KeyError::Email("ana@".into())),
        );
        assert_eq!(
            issue_text(&ES, &i),
            "Correo electrónico 2: «ana@» no es un correo electrónico"
        );
        assert_eq!(
            issue_text(&EN, &i),
            "E-mail 2: \"ana@\" is not an e-mail address"
        );
        let custom = FieldIssue::new("custom_fields.plan", Problem::NotANumber("x".into()));
        assert_eq!(issue_text(&ES, &custom), "plan: «x» no es un número");
        assert_eq!(
            field_label(&ES, "organizations[0].organization_id"),
            "Empresa 1"
        );
    }
}
