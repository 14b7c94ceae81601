//! The names of the audited entity types, in English and Spanish: one key per type that the
//! app records, with the same compile-time check as `i18n::Msg` that both languages exist.
use crate::i18n::{messages, Msg};

messages! {
    /// What the audit log calls each kind of entity.
    EntityNames, EN, ES {
    member: "member", "miembro";
    user: "user account", "cuenta de usuario";
    team: "team", "equipo";
    invite: "invitation", "invitación";
    api_token: "API token", "token de API";
    workspace: "workspace settings", "ajustes del espacio de trabajo";
    customer: "customer", "cliente";
    custom_field: "custom field", "campo personalizado";
    saved_view: "saved view", "vista guardada";
    import: "import", "importación";
    duplicate_scan: "duplicate scan", "búsqueda de duplicados";
    merge_suggestion: "merge suggestion", "sugerencia de fusión";
    conversation: "conversation", "conversación";
    conversation_note: "internal note", "nota interna";
    conversation_reply: "reply", "respuesta";
    canned_response: "canned response", "respuesta predefinida";
    mail_channel: "mailbox", "buzón de correo";
    web_form: "web form", "formulario web";
    }
}

/// Every entity type the app records, in the order the filter offers them.
pub const ENTITY_TYPES: &[&str] = &[
    "customer",
    "conversation",
    "conversation_note",
    "conversation_reply",
    "canned_response",
    "mail_channel",
    "web_form",
    "custom_field",
    "saved_view",
    "import",
    "duplicate_scan",
    "merge_suggestion",
    "member",
    "user",
    "team",
    "invite",
    "api_token",
    "workspace",
];

/// The names in the language of the page's messages.
fn names(m: &Msg) -> &'static EntityNames {
    if m.lang == "en" {
        &EN
    } else {
        &ES
    }
}

/// The name of a known entity type.
fn known(n: &EntityNames, t: &str) -> Option<&'static str> {
    Some(match t {
        "member" => n.member,
        "user" => n.user,
        "team" => n.team,
        "invite" => n.invite,
        "api_token" => n.api_token,
        "workspace" => n.workspace,
        "customer" => n.customer,
        "custom_field" => n.custom_field,
        "saved_view" => n.saved_view,
        "import" => n.import,
        "duplicate_scan" => n.duplicate_scan,
        "merge_suggestion" => n.merge_suggestion,
        "conversation" => n.conversation,
        "conversation_note" => n.conversation_note,
        "conversation_reply" => n.conversation_reply,
        "canned_response" => n.canned_response,
        "mail_channel" => n.mail_channel,
        "web_form" => n.web_form,
        _ => return None,
    })
}

/// The translated name of an entity type; an unknown type (one recorded by a later version,
/// say) is shown as stored.
pub fn entity_name(m: &Msg, t: &str) -> String {
    known(names(m), t).unwrap_or(t).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_type_has_a_name_in_both_languages() {
        for n in [&EN, &ES] {
            for t in ENTITY_TYPES {
                assert!(known(n, t).is_some(), "{t} has no name");
            }
        }
        assert_eq!(
            entity_name(&crate::i18n::ES, "conversation_note"),
            "nota interna"
        );
        assert_eq!(entity_name(&crate::i18n::EN, "saved_view"), "saved view");
        assert_eq!(
            entity_name(&crate::i18n::EN, "something_new"),
            "something_new"
        );
    }
}
