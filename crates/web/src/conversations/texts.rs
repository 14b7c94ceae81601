//! The inbox's and the mailbox settings' UI strings, in English and Spanish: kept apart
//! from `i18n::Msg` (already the size of a file), with the same compile-time check that
//! every key has both languages.
use crate::i18n::{messages, Lang};

messages! {
    /// The shared inbox's strings.
    Texts, EN, ES {
    inbox_title: "Inbox", "Bandeja de entrada";
    tab_open: "Open", "Abiertas";
    tab_pending: "Pending", "Pendientes";
    tab_snoozed: "Snoozed", "Pospuestas";
    tab_resolved: "Resolved", "Resueltas";
    tab_all: "All", "Todas";
    who_mine: "Mine", "Mías";
    who_none: "Unassigned", "Sin asignar";
    who_all: "Everyone's", "De todos";
    status_tabs: "Status", "Estado";
    who_tabs: "Assigned to", "Asignadas a";
    any_team: "Any team", "Todos los equipos";
    any_channel: "Any channel", "Todos los canales";
    filter_apply: "Filter", "Filtrar";
    filter_clear: "Clear filters", "Quitar filtros";
    customer: "Customer", "Cliente";
    subject: "Subject", "Asunto";
    channel: "Channel", "Canal";
    assignee: "Agent", "Agente";
    team: "Team", "Equipo";
    labels: "Labels", "Etiquetas";
    last_message: "Last message", "Último mensaje";
    unassigned: "Unassigned", "Sin asignar";
    unread: "Unread", "Sin leer";
    unread_badge: "{n} unread", "{n} sin leer";
    older: "Older", "Más antiguas";
    newest: "Back to the newest", "Volver a las más recientes";
    empty_title: "No conversations yet", "Todavía no hay conversaciones";
    empty_admin: "Connect a mailbox in Settings → Mailboxes: what customers write to it appears here, each message tied to its customer.", "Conecta un buzón de correo en Ajustes → Buzones de correo: lo que los clientes escriban a esa dirección aparecerá aquí, cada mensaje unido a su cliente.";
    empty_connect: "Connect a mailbox", "Conectar un buzón";
    empty_other: "An administrator connects the company's mailboxes in Settings; customers' messages then appear here.", "Un administrador conecta los buzones de la empresa en Ajustes; entonces los mensajes de los clientes aparecerán aquí.";
    none_match: "No conversation matches these filters.", "Ninguna conversación coincide con estos filtros.";
    see_all: "See every conversation", "Ver todas las conversaciones";
    just_now: "just now", "ahora mismo";
    minutes_ago: "{n} min ago", "hace {n} min";
    hours_ago: "{n} h ago", "hace {n} h";
    status_open: "Open", "Abierta";
    status_pending: "Pending", "Pendiente";
    status_snoozed: "Snoozed", "Pospuesta";
    status_resolved: "Resolved", "Resuelta";
    until: "until {t}", "hasta {t}";
    reference: "Reference", "Referencia";
    from: "From", "De";
    to: "To", "Para";
    formatted: "Show the formatted message", "Ver el mensaje con formato";
    formatted_title: "The message as formatted by its sender", "El mensaje con el formato de quien lo envió";
    attachments: "Attachments", "Adjuntos";
    not_kept: "not kept: {reason}", "no se guardó: {reason}";
    show_quoted: "Show the quoted text", "Ver el texto citado";
    show_signature: "Show the signature", "Ver la firma";
    too_large: "over {limit}", "más de {limit}";
    note: "Internal note", "Nota interna";
    note_hint: "Only your colleagues see it: it is never sent to the customer.", "Solo la ven tus compañeros: nunca se envía al cliente.";
    add_note: "Add note", "Añadir nota";
    auto_reply: "Automatic reply", "Respuesta automática";
    bounce: "Delivery failure report", "Aviso de entrega fallida";
    reply: "Reply", "Respuesta";
    sys_show: "Show its text", "Ver su texto";
    no_text: "(no text)", "(sin texto)";
    reply_title: "Reply", "Responder";
    images_held: "Images from other servers were not loaded: loading them tells the sender you read the message.", "No se cargaron las imágenes de otros servidores: cargarlas le dice al remitente que has leído el mensaje.";
    images_load: "Load them", "Cargarlas";
    collision_replying: "{names} is writing a reply to this conversation.", "{names} está escribiendo una respuesta en esta conversación.";
    collision_viewing: "{names} also has this conversation open.", "{names} también tiene abierta esta conversación.";
    reply_from: "From {from}", "Desde {from}";
    reply_to: "to {to}", "para {to}";
    reply_no_mailbox: "Connect a mailbox in Settings to answer by e-mail.", "Conecta un buzón en Ajustes para responder por correo.";
    reply_body: "Your reply", "Tu respuesta";
    reply_body_hint: "The mailbox's signature is added below it.", "Debajo se añade la firma del buzón.";
    reply_more: "Copies and subject", "Copias y asunto";
    reply_cc: "Cc", "Cc";
    reply_cc_hint: "Addresses separated by commas.", "Direcciones separadas por comas.";
    reply_subject_hint: "Blank: «Re:» and the conversation's subject; its reference is added either way.", "En blanco: «Re:» y el asunto de la conversación; su referencia se añade siempre.";
    reply_files: "Attach files", "Adjuntar archivos";
    reply_files_hint: "Up to 10 files, 15 MB in all.", "Hasta 10 archivos, 15 MB en total.";
    reply_then: "Then", "Después";
    reply_then_keep: "Leave the status as it is", "Dejar el estado como está";
    reply_then_pending: "Mark pending (waiting for the customer)", "Marcar pendiente (esperando al cliente)";
    reply_then_resolved: "Resolve", "Resolver";
    reply_send: "Send reply", "Enviar respuesta";
    reply_queued: "Reply queued: it goes out now.", "Respuesta en cola: sale ahora mismo.";
    reply_resent: "Sending it again.", "Se vuelve a enviar.";
    resend: "Send again", "Reenviar";
    in_doubt_why: "The server stopped while handing this reply to the mail server: the customer may already have it. Check before sending it again.", "El servidor se detuvo mientras entregaba esta respuesta al servidor de correo: puede que el cliente ya la tenga. Compruébalo antes de reenviarla.";
    err_reply_body: "Write a reply of 1 to 100,000 characters.", "Escribe una respuesta de 1 a 100.000 caracteres.";
    err_reply_files: "Attach at most 10 files, 15 MB in all, each with a name.", "Adjunta como mucho 10 archivos, 15 MB en total, cada uno con nombre.";
    err_reply_header: "Line breaks are not allowed there: check the copies and the subject.", "Ahí no se admiten saltos de línea: revisa las copias y el asunto.";
    err_reply_cc: "A copy is not a valid e-mail address.", "Una de las copias no es una dirección de correo válida.";
    err_reply_to: "The customer has no e-mail address to answer to.", "El cliente no tiene una dirección de correo a la que responder.";
    err_resend: "Only a reply that failed, bounced or is in doubt can be sent again.", "Solo se puede reenviar una respuesta que falló, rebotó o es dudosa.";
    delivery_queued: "Queued", "En cola";
    delivery_sent: "Sent", "Enviado";
    delivery_failed: "Failed", "Falló";
    delivery_undeliverable: "Undeliverable", "No entregable";
    delivery_in_doubt: "In doubt", "Dudoso";
    do_open: "Open", "Abrir";
    do_pending: "Pending", "Pendiente";
    do_resolve: "Resolve", "Resolver";
    do_snooze: "Snooze", "Posponer";
    snooze_until: "Snooze until", "Posponer hasta";
    snooze_hint: "In your browser's time; it opens again then, or when the customer writes.", "En la hora de tu navegador; vuelve a abrirse entonces, o cuando el cliente escriba.";
    assignment: "Assignment", "Asignación";
    nobody: "Nobody", "Nadie";
    no_team: "No team", "Sin equipo";
    assign: "Save assignment", "Guardar asignación";
    labels_hint: "Separated by commas.", "Separadas por comas.";
    save_labels: "Save labels", "Guardar etiquetas";
    status_saved: "Status changed.", "Estado cambiado.";
    assigned: "Assignment saved.", "Asignación guardada.";
    labels_saved: "Labels saved.", "Etiquetas guardadas.";
    note_added: "Note added.", "Nota añadida.";
    err_snooze: "Choose a date and time in the future.", "Elige una fecha y hora futuras.";
    err_note: "Write a note of 1 to 10,000 characters.", "Escribe una nota de 1 a 10.000 caracteres.";
    err_labels: "A label has 1 to 40 characters; a conversation has at most 20.", "Una etiqueta tiene de 1 a 40 caracteres; una conversación, 20 como mucho.";
    err_assignee: "That person cannot answer customers in this workspace.", "Esa persona no puede atender clientes en este espacio de trabajo.";
    err_team: "That team does not exist in this workspace.", "Ese equipo no existe en este espacio de trabajo.";
    mb_title: "Mailboxes", "Buzones de correo";
    mb_intro: "Vinculo reads each mailbox over IMAP and will send replies through its SMTP server. Each customer message becomes a conversation in the inbox, tied to the customer by their address.", "Vinculo lee cada buzón por IMAP y enviará las respuestas por su servidor SMTP. Cada mensaje de un cliente se convierte en una conversación de la bandeja, unida al cliente por su dirección.";
    mb_none: "No mailbox is connected yet.", "Aún no hay ningún buzón conectado.";
    mb_new: "Connect a mailbox", "Conectar un buzón";
    mb_connect: "Connect mailbox", "Conectar buzón";
    mb_name_hint: "For you and your colleagues, like «Soporte».", "Para ti y tus compañeros, como «Soporte».";
    mb_address: "Address", "Dirección";
    mb_address_hint: "The address customers write to; replies go out from it.", "La dirección a la que escriben los clientes; las respuestas salen de ella.";
    mb_imap: "Incoming mail (IMAP)", "Correo entrante (IMAP)";
    mb_smtp: "Outgoing mail (SMTP)", "Correo saliente (SMTP)";
    mb_host: "Server", "Servidor";
    mb_port: "Port", "Puerto";
    mb_imap_port_hint: "Blank: 993 with TLS, 143 otherwise.", "En blanco: 993 con TLS, 143 si no.";
    mb_smtp_port_hint: "Blank: 465 with TLS, 587 otherwise.", "En blanco: 465 con TLS, 587 si no.";
    mb_security: "Security", "Seguridad";
    sec_tls: "TLS", "TLS";
    sec_starttls: "STARTTLS", "STARTTLS";
    sec_none: "No encryption (localhost only)", "Sin cifrar (solo localhost)";
    mb_username: "User", "Usuario";
    mb_password: "Password", "Contraseña";
    mb_password_keep: "Leave it blank to keep the stored password.", "Déjala en blanco para conservar la contraseña guardada.";
    mb_folder: "Folder", "Carpeta";
    mb_folder_hint: "INBOX when blank.", "INBOX si se deja en blanco.";
    mb_ca: "Extra certificate authority (PEM)", "Autoridad de certificación adicional (PEM)";
    mb_ca_hint: "Only for a server whose certificate your company signs itself.", "Solo para un servidor cuyo certificado firma tu propia empresa.";
    mb_delete_after: "Delete messages from the server once stored", "Borrar los mensajes del servidor una vez guardados";
    mb_delete_after_warn: "Off is safer: the messages stay on the server as a copy. On, a message read by Vinculo exists only here.", "Desactivado es más seguro: los mensajes se quedan en el servidor como copia. Activado, un mensaje que Vinculo lee solo existe aquí.";
    mb_signature: "Signature", "Firma";
    mb_signature_hint: "Added to every reply.", "Se añade a cada respuesta.";
    mb_team_hint: "Its conversations go to this team.", "Sus conversaciones van a este equipo.";
    mb_enabled: "Read this mailbox", "Leer este buzón";
    mb_servers: "Servers", "Servidores";
    mb_last_read: "Last read", "Última lectura";
    mb_last_error: "Last error", "Último error";
    mb_not_read: "not read yet", "aún no se ha leído";
    mb_edit: "Edit", "Editar";
    mb_delete: "Disconnect", "Desconectar";
    mb_delete_confirm: "Disconnect this mailbox? Its conversations stay in the inbox.", "¿Desconectar este buzón? Sus conversaciones se quedan en la bandeja.";
    mb_connected: "Mailbox connected.", "Buzón conectado.";
    mb_deleted: "Mailbox disconnected.", "Buzón desconectado.";
    mb_taken: "That address is already connected.", "Esa dirección ya está conectada.";
    mb_check: "Check the marked fields.", "Revisa los campos marcados.";
    mb_no_key: "This server has no key to keep mailbox passwords with: start it with «vinculo serve».", "Este servidor no tiene una clave con la que guardar las contraseñas de los buzones: arráncalo con «vinculo serve».";
}
}

/// The inbox's strings in `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// A flash message of the inbox's pages (`?flash=note_added`), by its key.
pub fn flash(lang: Lang, key: &str) -> Option<&'static str> {
    let t = texts(lang);
    Some(match key {
        "status_saved" => t.status_saved,
        "assigned" => t.assigned,
        "labels_saved" => t.labels_saved,
        "note_added" => t.note_added,
        "reply_queued" => t.reply_queued,
        "reply_resent" => t.reply_resent,
        "mailbox_connected" => t.mb_connected,
        "mailbox_deleted" => t.mb_deleted,
        _ => return super::tools_texts::flash(lang, key),
    })
}
