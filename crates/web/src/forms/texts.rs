//! The web forms' strings, in English and Spanish: the settings pages', and the hosted
//! page's (in the form's language, whoever opens it).
use crate::i18n::{messages, Lang};

messages! {
    /// The web forms' strings.
    Texts, EN, ES {
    title: "Web forms", "Formularios web";
    intro: "Forms for your website: what people send arrives as a customer (found by e-mail or phone, or new), with its consent, on their timeline, and as a conversation in the inbox or a lead.", "Formularios para tu web: lo que envía la gente llega como cliente (encontrado por correo o teléfono, o nuevo), con su consentimiento, a su historial, y como conversación en la bandeja o como prospecto.";
    none: "No forms yet.", "Todavía no hay formularios.";
    new_form: "New form", "Nuevo formulario";
    create: "Create form", "Crear formulario";
    edit: "Edit", "Editar";
    address: "Address", "Dirección";
    outcome: "What a submission does", "Qué hace un envío";
    submissions: "Submissions", "Envíos";
    off: "Off", "Desactivado";
    name: "Name", "Nombre";
    name_hint: "Its title on the page.", "Su título en la página.";
    slug: "Address (slug)", "Dirección (slug)";
    slug_hint: "The page is /f/ followed by this: a-z, 0-9 and -. Left empty, it comes from the name.", "La página es /f/ seguido de esto: a-z, 0-9 y -. Si lo dejas vacío, sale del nombre.";
    language: "Language of the page", "Idioma de la página";
    description: "Text above the fields", "Texto sobre los campos";
    fields: "Fields", "Campos";
    fields_hint: "Each field fills a customer attribute, a custom field, or is a free question kept with the submission. At least an e-mail or a phone field.", "Cada campo rellena un dato del cliente, un campo personalizado, o es una pregunta libre que se guarda con el envío. Al menos un campo de correo o de teléfono.";
    maps_to: "Fills", "Rellena";
    label: "Label", "Etiqueta";
    required: "Required", "Obligatorio";
    position: "Order", "Orden";
    unused: "— (no field)", "— (sin campo)";
    question: "Free question", "Pregunta libre";
    question_key: "Question key", "Clave de la pregunta";
    add_field: "Add a field", "Añadir un campo";
    remove: "Remove", "Quitar";
    up: "Move up", "Subir";
    down: "Move down", "Bajar";
    consent: "Consent checkbox", "Casilla de consentimiento";
    consent_text: "Its text", "Su texto";
    consent_hint: "Left empty, the form has no consent box. Ticking it records an opt-in with source «form».", "Si lo dejas vacío, el formulario no tiene casilla. Marcarla registra un consentimiento con origen «formulario».";
    consent_channel: "Channel", "Canal";
    consent_purpose: "Purpose", "Finalidad";
    outcome_record: "Only record it on the timeline", "Solo registrarlo en el historial";
    outcome_lead: "Make a prospect a lead", "Convertir un prospecto en contacto cualificado";
    outcome_conversation: "Open a conversation in the inbox", "Abrir una conversación en la bandeja";
    team: "Team", "Equipo";
    no_team: "No team", "Sin equipo";
    mailbox: "Answer from mailbox", "Responder desde el buzón";
    no_mailbox: "No mailbox", "Ningún buzón";
    origins: "Sites allowed to embed it", "Sitios que pueden incrustarlo";
    origins_hint: "One per line, like https://www.example.com. Posts from other sites are refused; the hosted page always works.", "Uno por línea, como https://www.ejemplo.com. Los envíos desde otros sitios se rechazan; la página alojada funciona siempre.";
    thank_you: "Thank-you message", "Mensaje de agradecimiento";
    redirect: "Or send people to this page after submitting", "O llevar a la gente a esta página tras enviar";
    enabled: "Accepting submissions", "Acepta envíos";
    save: "Save", "Guardar";
    delete: "Delete form", "Borrar formulario";
    delete_confirm: "Delete this form? Its address stops working; what it collected stays.", "¿Borrar este formulario? Su dirección deja de funcionar; lo recogido se queda.";
    check: "Check the marked fields.", "Revisa los campos marcados.";
    slug_taken: "That address is taken: choose another.", "Esa dirección ya está en uso: elige otra.";
    hosted: "Hosted page", "Página alojada";
    hosted_hint: "Link to it, or share it: it works on any phone.", "Enlázala o compártela: funciona en cualquier móvil.";
    embed: "Embed on your site", "Incrustar en tu web";
    embed_hint: "Paste this HTML where the form should appear. It works as a plain form; the script (optional) sends it without leaving the page and shows the thank-you message there. Add your site under «Sites allowed to embed it».", "Pega este HTML donde deba aparecer el formulario. Funciona como formulario normal; el script (opcional) lo envía sin salir de la página y muestra allí el mensaje de agradecimiento. Añade tu web en «Sitios que pueden incrustarlo».";
    preview: "Preview", "Vista previa";
    created: "Form created.", "Formulario creado.";
    deleted: "Form deleted.", "Formulario borrado.";
    back: "Web forms", "Formularios web";
    }
}

messages! {
    /// The hosted page's strings, in the form's language.
    Public, PUB_EN, PUB_ES {
    send: "Send", "Enviar";
    required_mark: "required", "obligatorio";
    check: "Please check the marked fields.", "Revisa los campos marcados.";
    thanks_title: "Thank you", "Gracias";
    too_many: "Too many submissions from your connection: please try again in a few minutes.", "Demasiados envíos desde tu conexión: inténtalo de nuevo en unos minutos.";
    too_big: "What you sent is too large.", "Lo que has enviado es demasiado grande.";
    not_allowed: "This form cannot be sent from this site.", "Este formulario no se puede enviar desde este sitio.";
    unsupported: "Send the form as application/x-www-form-urlencoded or application/json.", "Envía el formulario como application/x-www-form-urlencoded o application/json.";
    failed: "The form could not be sent: please try again.", "No se pudo enviar el formulario: inténtalo de nuevo.";
    honeypot: "Leave this field empty", "Deja este campo vacío";
    yes: "Yes", "Sí";
    choose: "Choose…", "Elige…";
    }
}

/// The settings pages' strings in `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// The hosted page's strings in a form's language (`es` or `en`).
pub fn public(language: &str) -> &'static Public {
    match language {
        "en" => &PUB_EN,
        _ => &PUB_ES,
    }
}

/// The language of a form's page.
pub fn lang_of(language: &str) -> Lang {
    Lang::parse(language).unwrap_or(Lang::Es)
}

/// A flash message of the forms' pages, by its key.
pub fn flash(lang: Lang, key: &str) -> Option<&'static str> {
    let t = texts(lang);
    Some(match key {
        "form_created" => t.created,
        "form_deleted" => t.deleted,
        _ => return None,
    })
}

/// How the builder names each attribute a field can fill.
pub fn attribute_label(lang: Lang, name: &str) -> &'static str {
    let es = lang == Lang::Es;
    match (name, es) {
        ("given_name", true) => "Nombre",
        ("given_name", false) => "Given name",
        ("family_name", true) => "Apellidos",
        ("family_name", false) => "Family name",
        ("email", true) => "Correo electrónico",
        ("email", false) => "E-mail",
        ("phone", true) => "Teléfono",
        ("phone", false) => "Phone",
        ("organization", true) => "Empresa",
        ("organization", false) => "Company",
        ("language", true) => "Idioma",
        ("language", false) => "Language",
        ("message", true) => "Mensaje",
        ("message", false) => "Message",
        (_, true) => "Campo",
        (_, false) => "Field",
    }
}
