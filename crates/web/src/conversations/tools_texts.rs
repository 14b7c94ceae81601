//! The strings of the inbox's tools, in English and Spanish: canned responses, assignment by
//! turn, and the mailbox checks ("test the connection", "read now").
use crate::i18n::{messages, Lang};

messages! {
    /// The inbox tools' strings.
    ToolTexts, EN, ES {
    cr_title: "Canned responses", "Respuestas predefinidas";
    cr_intro: "Replies you insert instead of typing them again. Placeholders are filled in for the conversation's customer and for you.", "Respuestas que insertas en lugar de volver a escribirlas. Los marcadores se rellenan con los datos del cliente de la conversación y los tuyos.";
    cr_none: "No canned responses yet.", "Todavía no hay respuestas predefinidas.";
    cr_new: "New canned response", "Nueva respuesta predefinida";
    cr_name: "Name", "Nombre";
    cr_body: "Text", "Texto";
    cr_body_hint: "Placeholders: {list}. A fallback for an empty value: {{customer.given_name|cliente}}.", "Marcadores: {list}. Un texto por si el valor está vacío: {{customer.given_name|cliente}}.";
    cr_shortcut: "Shortcut", "Atajo";
    cr_shortcut_hint: "Optional: a word to find it by, such as saludo.", "Opcional: una palabra para encontrarla, como saludo.";
    cr_shared: "Shared with the whole workspace", "Compartida con todo el espacio de trabajo";
    cr_shared_hint: "Off: only you see it. Managers and admins share responses.", "Desactivado: solo la ves tú. Los responsables y administradores comparten respuestas.";
    cr_team: "Team", "Equipo";
    cr_no_team: "Any team", "Cualquier equipo";
    cr_scope: "Seen by", "Visible para";
    cr_everyone: "Everyone", "Todos";
    cr_only_me: "Only me", "Solo yo";
    cr_create: "Save response", "Guardar respuesta";
    cr_edit: "Edit", "Editar";
    cr_delete: "Delete", "Eliminar";
    cr_delete_confirm: "Delete this canned response?", "¿Eliminar esta respuesta predefinida?";
    cr_saved: "Canned response saved.", "Respuesta predefinida guardada.";
    cr_deleted: "Canned response deleted.", "Respuesta predefinida eliminada.";
    cr_taken: "You already have a response with this name.", "Ya hay una respuesta con este nombre.";
    cr_check: "Check the marked fields.", "Revisa los campos marcados.";
    cr_cannot_share: "Only managers and admins share responses with the workspace.", "Solo los responsables y administradores comparten respuestas con todo el espacio.";
    cr_pick: "Canned response", "Respuesta predefinida";
    cr_pick_none: "Choose a response…", "Elige una respuesta…";
    cr_insert: "Insert", "Insertar";
    cr_manage: "Manage", "Gestionar";
    cr_rendered_title: "Canned response", "Respuesta predefinida";
    cr_rendered_hint: "The text for this conversation: copy it into your reply.", "El texto para esta conversación: cópialo en tu respuesta.";
    cr_back: "Back to the conversation", "Volver a la conversación";
    turn_option: "Whoever's turn it is in the team", "A quien le toque en el equipo";
    turn_none: "Nobody to assign by turn: choose a team that assigns by turn and has active agents.", "No hay nadie a quien asignar por turno: elige un equipo con asignación por turno y agentes activos.";
    team_by_turn: "Assign new conversations by turn", "Asignar las conversaciones nuevas por turno";
    team_by_turn_hint: "Each new conversation that reaches the team without an agent goes to the active member who got one least recently.", "Cada conversación nueva que llega al equipo sin agente va al miembro activo que lleva más tiempo sin recibir una.";
    team_by_turn_badge: "by turn", "por turno";
    mb_test: "Test connection", "Probar conexión";
    mb_read_now: "Read now", "Leer ahora";
    mb_test_ok: "Works", "Funciona";
    mb_test_failed: "Fails", "Falla";
    mb_test_title: "Connection test", "Prueba de conexión";
    mb_test_imap_ok: "Logged in; the folder {folder} holds {n} messages.", "Sesión iniciada; la carpeta {folder} tiene {n} mensajes.";
    mb_test_smtp_ok: "Connected and authenticated.", "Conectado y autenticado.";
    mb_read_done: "Read: {n} new messages.", "Leído: {n} mensajes nuevos.";
    mb_read_failed: "Reading failed: {error}", "La lectura falló: {error}";
    mb_server_says: "Details", "Detalles";
    mb_last_ok: "Last read that worked", "Última lectura correcta";
    tx_auth_failed: "The server refused the user name or password.", "El servidor rechazó el usuario o la contraseña.";
    tx_tls_failed: "The secure connection failed (for instance, the server's certificate is not trusted).", "La conexión segura falló (por ejemplo, el certificado del servidor no es de confianza).";
    tx_cannot_connect: "The server cannot be reached at this host and port.", "No se puede llegar al servidor en ese servidor y puerto.";
    tx_cannot_resolve: "The server's name does not exist.", "El nombre del servidor no existe.";
    tx_folder_not_found: "The folder does not exist on the server.", "La carpeta no existe en el servidor.";
    tx_timeout: "The server did not answer in time.", "El servidor no respondió a tiempo.";
    tx_other: "The server's answer was unexpected.", "La respuesta del servidor fue inesperada.";
}
}

/// The tools' strings in `lang`.
pub fn tool_texts(lang: Lang) -> &'static ToolTexts {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// The tools' strings in the language of the UI's messages (for the navigation).
pub fn for_msg(m: &crate::i18n::Msg) -> &'static ToolTexts {
    if m.lang == "en" {
        &EN
    } else {
        &ES
    }
}

/// A flash message of the tools' pages, by its key.
pub fn flash(lang: Lang, key: &str) -> Option<&'static str> {
    let t = tool_texts(lang);
    Some(match key {
        "canned_saved" => t.cr_saved,
        "canned_deleted" => t.cr_deleted,
        _ => return None,
    })
}

/// A mail server's failure in plain words, by the transport's stable code.
pub fn transport_words(t: &ToolTexts, code: &str) -> &'static str {
    match code {
        "auth_failed" => t.tx_auth_failed,
        "tls_failed" => t.tx_tls_failed,
        "cannot_connect" | "connection_lost" => t.tx_cannot_connect,
        "cannot_resolve" => t.tx_cannot_resolve,
        "folder_not_found" => t.tx_folder_not_found,
        "timeout" => t.tx_timeout,
        _ => t.tx_other,
    }
}
