//! UI strings in Spanish and English. Each key is a struct field, so a string missing in
//! one language is a compile error, not a blank on screen. The language is the user's
//! preference, else the `lang` cookie, else the browser's Accept-Language, else Spanish.
use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::CookieJar;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Es,
    En,
}

pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("es") => Some(Lang::Es),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language for a request.
    pub fn choose(user_pref: Option<&str>, headers: &HeaderMap) -> Lang {
        let jar = CookieJar::from_headers(headers);
        user_pref
            .and_then(Lang::parse)
            .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(from_accept_language)
            })
            .unwrap_or(Lang::Es)
    }

    pub fn msg(self) -> &'static Msg {
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }
}

/// The first supported language in an Accept-Language header, by quality.
fn from_accept_language(v: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in v.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or_default();
        let q = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(l) = Lang::parse(tag) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, l));
            }
        }
    }
    best.map(|(_, l)| l)
}

/// A struct of strings, one field per key, and its English and Spanish values. Used here for
/// the strings every page shares and by a context with many of its own (the inbox's texts).
macro_rules! messages {
    ($(#[$doc:meta])* $name:ident, $en_name:ident, $es_name:ident { $($key:ident: $en:expr, $es:expr;)* }) => {
        $(#[$doc])*
        pub struct $name { $(pub $key: &'static str,)* }
        pub static $en_name: $name = $name { $($key: $en,)* };
        pub static $es_name: $name = $name { $($key: $es,)* };
    };
}
pub(crate) use messages;

messages! {
    /// Every UI string, one field per key.
    Msg, EN, ES {
    lang: "en", "es";
    nav_home: "Home", "Inicio";
    nav_settings: "Settings", "Ajustes";
    nav_users: "Users", "Usuarios";
    nav_teams: "Teams", "Equipos";
    nav_tokens: "API tokens", "Tokens de API";
    nav_audit: "Audit log", "Registro de auditoría";
    nav_account: "My account", "Mi cuenta";
    nav_api_docs: "API reference", "Referencia de la API";
    menu: "Menu", "Menú";
    logout: "Log out", "Cerrar sesión";
    workspace: "Workspace", "Espacio de trabajo";
    switch_to: "Switch to", "Cambiar a";
    language: "Language", "Idioma";
    skip_to_content: "Skip to content", "Saltar al contenido";
    login_title: "Log in to Vinculo", "Inicia sesión en Vinculo";
    email: "E-mail", "Correo electrónico";
    password: "Password", "Contraseña";
    login_button: "Log in", "Entrar";
    bad_credentials: "Wrong e-mail or password.", "Correo electrónico o contraseña incorrectos.";
    rate_limited: "Too many attempts. Wait {n} minutes and try again.", "Demasiados intentos. Espera {n} minutos y vuelve a intentarlo.";
    setup_title: "Set up Vinculo", "Configura Vinculo";
    setup_intro: "Create your workspace and the first administrator account. You can invite the rest of your team afterwards.", "Crea tu espacio de trabajo y la primera cuenta de administrador. Después podrás invitar al resto del equipo.";
    setup_bad_link: "This setup link is not valid. Use the link printed in the server's log when it started.", "Este enlace de configuración no es válido. Usa el enlace que el servidor mostró en su registro al arrancar.";
    setup_done: "Vinculo is already set up. Log in instead.", "Vinculo ya está configurado. Inicia sesión.";
    workspace_name: "Company or workspace name", "Nombre de la empresa o del espacio de trabajo";
    your_name: "Your name", "Tu nombre";
    password_hint: "At least 10 characters.", "Al menos 10 caracteres.";
    create_workspace: "Create workspace", "Crear espacio de trabajo";
    welcome: "Welcome, {name}", "Hola, {name}";
    home_intro: "You are in {ws} as {role}.", "Estás en {ws} como {role}.";
    home_members: "Members", "Miembros";
    home_teams: "Teams", "Equipos";
    home_tokens: "Active API tokens", "Tokens de API activos";
    home_next: "Getting started", "Primeros pasos";
    home_step_invite: "Invite your colleagues and give each a role.", "Invita a tus compañeros y asigna un rol a cada uno.";
    home_step_teams: "Group them in teams (service, sales, marketing).", "Agrúpalos en equipos (servicio, ventas, marketing).";
    home_step_token: "Create an API token to connect your other systems.", "Crea un token de API para conectar tus otros sistemas.";
    role_admin: "Administrator", "Administrador";
    role_manager: "Manager", "Supervisor";
    role_agent: "Service agent", "Agente de servicio";
    role_sales: "Sales rep", "Comercial";
    role_marketer: "Marketer", "Marketing";
    role_analyst: "Analyst", "Analista";
    role: "Role", "Rol";
    name: "Name", "Nombre";
    status: "Status", "Estado";
    actions: "Actions", "Acciones";
    save: "Save", "Guardar";
    saved: "Saved.", "Guardado.";
    cancel: "Cancel", "Cancelar";
    delete: "Delete", "Eliminar";
    active: "Active", "Activo";
    disabled: "Disabled", "Desactivado";
    disable: "Disable", "Desactivar";
    enable: "Enable", "Activar";
    you: "you", "tú";
    never: "never", "nunca";
    none_yet: "Nothing here yet.", "Todavía no hay nada aquí.";
    users_title: "Users", "Usuarios";
    invite_title: "Invite someone", "Invitar a alguien";
    invite_button: "Create invitation", "Crear invitación";
    invite_created: "Invitation created. Send this link to {email}; it works once, for 7 days:", "Invitación creada. Envía este enlace a {email}; sirve una vez, durante 7 días:";
    invites_pending: "Invitations", "Invitaciones";
    invite_revoke: "Withdraw", "Retirar";
    invite_revoked: "Invitation withdrawn.", "Invitación retirada.";
    invite_status_pending: "pending", "pendiente";
    invite_status_accepted: "accepted", "aceptada";
    invite_status_revoked: "withdrawn", "retirada";
    invite_status_expired: "expired", "caducada";
    expires: "Expires", "Caduca";
    copy: "Copy", "Copiar";
    copied: "Copied", "Copiado";
    accept_title: "Join {ws}", "Únete a {ws}";
    accept_intro: "{email} has been invited as {role}.", "Se ha invitado a {email} como {role}.";
    accept_existing: "You already have a Vinculo account: enter its password to join.", "Ya tienes una cuenta de Vinculo: escribe su contraseña para unirte.";
    accept_button: "Join", "Unirme";
    invite_invalid: "This invitation is not valid: it may have been used, withdrawn or have expired. Ask for a new one.", "Esta invitación no es válida: puede que ya se haya usado, se haya retirado o haya caducado. Pide una nueva.";
    teams_title: "Teams", "Equipos";
    team_new: "New team", "Nuevo equipo";
    team_members: "Members", "Miembros";
    team_create: "Create team", "Crear equipo";
    team_created: "Team created.", "Equipo creado.";
    team_deleted: "Team deleted.", "Equipo eliminado.";
    team_edit: "Edit", "Editar";
    tokens_title: "API tokens", "Tokens de API";
    tokens_intro: "A token lets another system use the REST API as one of your users, limited to its scopes. Send it as the header Authorization: Bearer <token>.", "Un token permite a otro sistema usar la API REST como uno de tus usuarios, limitado a sus permisos. Envíalo en la cabecera Authorization: Bearer <token>.";
    token_new: "New token", "Nuevo token";
    token_scopes: "Scopes", "Permisos";
    token_scopes_hint: "read, write, or per area such as customers:read, users:write — separated by commas.", "read, write, o por área como customers:read, users:write — separados por comas.";
    token_acts_as: "Acts as", "Actúa como";
    token_create: "Create token", "Crear token";
    token_created: "Copy this token now: it will not be shown again.", "Copia este token ahora: no se volverá a mostrar.";
    token_prefix: "Begins with", "Empieza por";
    token_last_used: "Last used", "Último uso";
    created: "Created", "Creado";
    token_revoke: "Revoke", "Revocar";
    token_revoked: "Token revoked.", "Token revocado.";
    revoked: "Revoked", "Revocado";
    audit_title: "Audit log", "Registro de auditoría";
    audit_when: "When", "Cuándo";
    audit_who: "Who", "Quién";
    audit_what: "What", "Qué";
    audit_changes: "Changes", "Cambios";
    audit_entity: "Entity", "Entidad";
    audit_action: "Action", "Acción";
    audit_any: "Any", "Cualquiera";
    audit_since: "From", "Desde";
    audit_until: "Until", "Hasta";
    audit_filter: "Filter", "Filtrar";
    audit_older: "Older entries", "Entradas anteriores";
    audit_newest: "Newest", "Más recientes";
    action_create: "created", "creó";
    action_update: "changed", "modificó";
    action_delete: "deleted", "eliminó";
    account_title: "My account", "Mi cuenta";
    profile: "Profile", "Perfil";
    browser_language: "Browser's language", "Idioma del navegador";
    change_password: "Change password", "Cambiar contraseña";
    current_password: "Current password", "Contraseña actual";
    new_password: "New password", "Contraseña nueva";
    confirm_password: "Repeat the new password", "Repite la contraseña nueva";
    passwords_differ: "The two new passwords are not the same.", "Las dos contraseñas nuevas no coinciden.";
    password_changed: "Password changed. Your other sessions have been closed.", "Contraseña cambiada. Se han cerrado tus otras sesiones.";
    forbidden_title: "Not allowed", "Sin permiso";
    forbidden_body: "Your role in this workspace does not allow this. Ask an administrator if you need it.", "Tu rol en este espacio de trabajo no lo permite. Pídeselo a un administrador si lo necesitas.";
    not_found_title: "Not found", "No encontrado";
    not_found_body: "This page or record does not exist, or it belongs to another workspace.", "Esta página o registro no existe, o pertenece a otro espacio de trabajo.";
    error_title: "Something went wrong", "Algo ha fallado";
    error_body: "The error has been logged. Try again; if it keeps happening, tell your administrator.", "El error ha quedado registrado. Vuelve a intentarlo; si se repite, avisa a tu administrador.";
    csrf_title: "This form has expired", "Este formulario ha caducado";
    csrf_body: "Go back, reload the page and send it again.", "Vuelve atrás, recarga la página y envíalo de nuevo.";
    back_home: "Back to the start", "Volver al inicio";
    field_error: "Check this field: {msg}", "Revisa este campo: {msg}";
    already_member: "That person is already a member of this workspace.", "Esa persona ya es miembro de este espacio de trabajo.";
    name_taken: "That name is already in use.", "Ese nombre ya está en uso.";
    last_admin: "This is the last administrator: make someone else administrator first.", "Es el último administrador: nombra antes a otra persona administradora.";
    logged_out: "You have logged out.", "Has cerrado la sesión.";
    err_email: "Write a valid e-mail address, like ana@example.com.", "Escribe un correo electrónico válido, como ana@ejemplo.com.";
    err_password: "The password must have between 10 and 256 characters.", "La contraseña debe tener entre 10 y 256 caracteres.";
    err_current_password: "The current password is not right.", "La contraseña actual no es correcta.";
    err_name: "Write a name of 1 to 120 characters.", "Escribe un nombre de 1 a 120 caracteres.";
    err_team_name: "A team name has 1 to 80 characters.", "El nombre de un equipo tiene de 1 a 80 caracteres.";
    err_token_name: "A token name has 1 to 80 characters.", "El nombre de un token tiene de 1 a 80 caracteres.";
    err_scopes: "Unknown permissions. Use read, write, or an area with :read or :write, such as customers:read.", "Permisos desconocidos. Usa read, write, o un área con :read o :write, como customers:read.";
    err_workspace_name: "Write a workspace name of 1 to 120 characters.", "Escribe un nombre de espacio de trabajo de 1 a 120 caracteres.";
    err_role: "Choose one of the roles in the list.", "Elige uno de los roles de la lista.";
    err_members: "One of the chosen people is not a member of this workspace.", "Una de las personas elegidas no es miembro de este espacio de trabajo.";
    err_existing_password: "That is not the password of this account.", "Esa no es la contraseña de esta cuenta.";
    nav_customers: "Customers", "Clientes";
    customers_title: "Customers", "Clientes";
    customer_new: "New customer", "Nuevo cliente";
    customer_create: "Create customer", "Crear cliente";
    customer_search: "Search by name, e-mail, phone or id", "Busca por nombre, correo, teléfono o id";
    customer_search_button: "Search", "Buscar";
    given_name: "Given name", "Nombre";
    family_name: "Family name", "Apellidos";
    emails: "E-mails", "Correos electrónicos";
    phones: "Phones", "Teléfonos";
    one_per_line: "One per line.", "Uno por línea.";
    phone_hint: "Without a country code, read as a number of {country}.", "Sin prefijo internacional, se lee como número de {country}.";
    external_ids: "External ids", "Ids externos";
    external_ids_hint: "source:id, one per line (e.g. erp:C-0042).", "origen:id, uno por línea (p. ej. erp:C-0042).";
    stage: "Stage", "Etapa";
    tags: "Tags", "Etiquetas";
    tags_hint: "Separated by commas.", "Separadas por comas.";
    notes: "Notes", "Notas";
    birthday: "Birthday", "Fecha de nacimiento";
    all_stages: "All stages", "Todas las etapas";
    stage_prospect: "Prospect", "Prospecto";
    stage_lead: "Lead", "Contacto cualificado";
    stage_customer: "Customer", "Cliente";
    stage_inactive: "Inactive", "Inactivo";
    stage_churned: "Churned", "Perdido";
    customer_exists: "These details belong to an existing customer:", "Estos datos pertenecen a un cliente que ya existe:";
    open_customer: "Open that customer", "Abrir ese cliente";
    archive: "Archive", "Archivar";
    restore: "Restore", "Restaurar";
    archived: "Archived", "Archivado";
    show_archived: "Include archived", "Incluir archivados";
    erase: "Erase for good", "Borrar definitivamente";
    erase_confirm: "Erase this customer and all their data for good? This cannot be undone.", "¿Borrar este cliente y todos sus datos para siempre? No se puede deshacer.";
    erased: "Customer erased.", "Cliente borrado.";
    owner: "Owner", "Responsable";
    shown_as: "Shown as", "Se muestra como";
    duplicates_title: "Possible duplicates", "Posibles duplicados";
    duplicates_none: "No suggestions to review.", "No hay sugerencias que revisar.";
    dup_shared: "Seen together in one interaction", "Vistos juntos en una interacción";
    dup_score: "Similar records", "Registros parecidos";
    dup_evidence: "Evidence", "Indicios";
    dup_scan: "Look for duplicates now", "Buscar duplicados ahora";
    dup_scanned: "Search done. New suggestions: {n}.", "Búsqueda hecha. Sugerencias nuevas: {n}.";
    dup_auto_merged: "Merged automatically: {n} (each can be undone from the customer's page).", "Fusionadas automáticamente: {n} (cada una se puede deshacer desde la ficha del cliente).";
    ev_given_name: "Given name", "Nombre";
    ev_family_name: "Family name", "Apellidos";
    ev_email: "E-mail", "Correo";
    ev_phone: "Phone", "Teléfono";
    ev_address: "Address", "Dirección";
    ev_birthday: "Birthday", "Fecha de nacimiento";
    ev_organisation: "Organisation", "Empresa";
    ev_exact: "the same", "iguales";
    ev_similar: "similar", "parecidos";
    ev_partial: "partly the same", "iguales en parte";
    ev_swapped: "given and family name swapped", "nombre y apellidos intercambiados";
    ev_same_local_part: "same user name, other domain", "mismo usuario, otro dominio";
    ev_similar_local_part: "similar user name", "usuario parecido";
    ev_same_address: "same address", "misma dirección";
    ev_same_postcode: "same postcode", "mismo código postal";
    ev_near: "almost the same", "casi iguales";
    ev_different: "different", "distintos";
    compare: "Compare", "Comparar";
    not_the_same: "Not the same", "No son el mismo";
    merge_title: "Merge customers", "Fusionar clientes";
    merge_intro: "Choose the record that stays and, for each field, whose value it keeps. All e-mails, phones, addresses, tags and organisations are kept; interactions and consents move to the record that stays. The merge can be undone.", "Elige el registro que se conserva y, para cada campo, de quién toma el valor. Se conservan todos los correos, teléfonos, direcciones, etiquetas y empresas; las interacciones y los consentimientos pasan al registro que se conserva. La fusión se puede deshacer.";
    merge_stays: "Stays", "Se conserva";
    merge_united: "all kept", "se conservan todos";
    merge_button: "Merge", "Fusionar";
    merged: "Customers merged.", "Clientes fusionados.";
    merge_undone: "Merge undone.", "Fusión deshecha.";
    undo_merge: "Undo merge", "Deshacer la fusión";
    merged_into_this: "{n} merged into this customer", "{n} fusionado(s) en este cliente";
    merges_title: "Merge history", "Historial de fusiones";
    merge_leads_only: "Only admins and managers merge customers: tell one of them what you found.", "Solo los administradores y responsables fusionan clientes: cuéntale a uno lo que has encontrado.";
    merges_of: "Merges of", "Fusiones de";
    merges_all: "all merges", "todas las fusiones";
    merges_none: "No merges yet.", "Todavía no hay fusiones.";
    merges_into: "{n} merged into", "{n} fusionado(s) en";
    merges_gone: "a customer no longer here", "un cliente que ya no está";
    merges_undone: "Undone", "Deshecha";
    merges_erased: "A customer in it was erased: it cannot be undone.", "Se borró un cliente de esta fusión: ya no se puede deshacer.";
    no_results: "No customer matches.", "Ningún cliente coincide.";
    more_results: "More", "Más";
    export_csv: "Export CSV", "Exportar CSV";
    export_vcard: "Export vCard", "Exportar vCard";
    consent_title: "Consent", "Consentimiento";
    consent_channel: "Channel", "Canal";
    consent_purpose: "Purpose", "Finalidad";
    consent_state: "Answer", "Respuesta";
    consent_since: "Since", "Desde";
    consent_record: "Record", "Registrar";
    consent_none: "No consent recorded yet: nobody may be contacted for marketing until they opt in.", "Aún no hay consentimientos: no se puede contactar para marketing hasta que acepte.";
    consent_opted_in: "Yes", "Sí";
    consent_opted_out: "No", "No";
    consent_unknown: "Unknown", "Sin respuesta";
    purpose_marketing: "Marketing", "Marketing";
    purpose_surveys: "Surveys", "Encuestas";
    purpose_service: "Service updates", "Avisos de servicio";
    source: "Source", "Origen";
    docs_parameter: "Parameter", "Parámetro";
    docs_in: "In", "En";
    docs_type: "Type", "Tipo";
    docs_body: "Body", "Cuerpo";
    docs_schemas: "Schemas", "Esquemas";
    nav_organizations: "Organisations", "Empresas";
    organizations_title: "Organisations", "Empresas";
    organization_new: "New organisation", "Nueva empresa";
    organization_create: "Create organisation", "Crear empresa";
    organization_search: "Search by name, domain, tax id or phone", "Busca por nombre, dominio, NIF o teléfono";
    organization: "Organisation", "Empresa";
    organization_none: "None", "Ninguna";
    job_title: "Title", "Cargo";
    org_name: "Name", "Nombre";
    domains: "Domains", "Dominios";
    domains_hint: "One per line (acme.es).", "Uno por línea (acme.es).";
    tax_id: "Tax id", "NIF / CIF";
    industry: "Industry", "Sector";
    size: "Employees", "Empleados";
    size_unknown: "Unknown", "Sin datos";
    people: "People", "Personas";
    no_people: "Nobody is linked to this organisation yet.", "Aún no hay personas vinculadas a esta empresa.";
    address: "Address", "Dirección";
    street: "Street", "Calle y número";
    city: "City", "Ciudad";
    region: "Region", "Provincia / estado";
    postal_code: "Postal code", "Código postal";
    country: "Country (ES, MX…)", "País (ES, MX…)";
    nav_customer_settings: "Customer settings", "Ajustes de clientes";
    settings_stages: "Lifecycle stages", "Etapas del ciclo de vida";
    settings_stages_hint: "One per line, in funnel order; the first is a new customer's. Letters a-z, digits and _.", "Una por línea, en el orden del embudo; la primera es la de un cliente nuevo. Letras a-z, cifras y _.";
    settings_country: "Default country for phones", "País por defecto de los teléfonos";
    settings_attach_new_keys: "Add new contact details seen in a customer's interactions to their record", "Añadir a la ficha del cliente los datos de contacto nuevos vistos en sus interacciones";
    settings_attach_new_keys_hint: "An e-mail, phone or id no one has, arriving with one of the customer's, is added to them. Off, the interaction still goes to them and the record stays as it was.", "Un correo, teléfono o identificador que nadie tiene, llegado junto a uno del cliente, se le añade. Desactivado, la interacción se le asigna igual y la ficha no cambia.";
    more_filters: "More filters", "Más filtros";
    all_organizations: "All organisations", "Todas las empresas";
    created_from: "Created from", "Creado desde";
    created_until: "Created until", "Creado hasta";
    updated_from: "Changed since", "Modificado desde";
    sort_order: "Order", "Orden";
    sort_newest: "Newest first", "Más recientes primero";
    sort_oldest: "Oldest first", "Más antiguos primero";
    filter_invalid: "One of the filters is not valid and was not applied.", "Uno de los filtros no es válido y no se aplicó.";
    import_vcard_title: "Import contacts", "Importar contactos";
    import_vcard_intro: "A contacts file (vCard): names, e-mails, phones, organisation, title, address and birthday are read from each card; no columns to map.", "Un archivo de contactos (vCard): de cada tarjeta se leen nombre, correos, teléfonos, empresa, cargo, dirección y fecha de nacimiento; no hay columnas que asignar.";
    import_button: "Import", "Importar";
    import_title: "Import customers", "Importar clientes";
    import_intro: "Upload a CSV file: an export from another CRM (HubSpot, Salesforce…) or a spreadsheet saved as CSV, in UTF-8 or Windows-1252, separated by commas, semicolons or tabs. Up to 512 MiB. Nothing is written until you confirm.", "Sube un archivo CSV: una exportación de otro CRM (HubSpot, Salesforce…) o una hoja de cálculo guardada como CSV, en UTF-8 o Windows-1252, separada por comas, puntos y coma o tabuladores. Hasta 512 MiB. No se guarda nada hasta que lo confirmes.";
    import_file: "CSV file", "Archivo CSV";
    import_upload: "Upload and continue", "Subir y continuar";
    import_empty: "The file is empty.", "El archivo está vacío.";
    import_too_large: "The file is larger than 512 MiB.", "El archivo ocupa más de 512 MiB.";
    import_bad_file: "This file cannot be read as CSV: {msg}", "Este archivo no se puede leer como CSV: {msg}";
    import_mapping_title: "Match the columns", "Asigna las columnas";
    import_mapping_intro: "Choose what each column holds. A row whose e-mail, phone or external id belongs to a customer updates that customer; the others are new. Organisations are found by name or created.", "Elige qué contiene cada columna. Una fila cuyo correo, teléfono o id externo pertenezca a un cliente actualiza ese cliente; las demás son nuevas. Las empresas se buscan por nombre o se crean.";
    import_detected: "Read as {encoding}, separated by {delimiter}.", "Leído como {encoding}, separado por {delimiter}.";
    import_column: "Column", "Columna";
    import_field: "Field", "Campo";
    import_sample: "First values", "Primeros valores";
    import_ignore: "Ignore", "Ignorar";
    import_fixed: "Read as recognised (its name repeats another column's or has a comma).", "Se lee como se reconoció (su nombre repite el de otra columna o lleva una coma).";
    import_bad_mapping: "Match at least one column to a name, an e-mail or a phone.", "Asigna al menos una columna a un nombre, un correo o un teléfono.";
    import_dry_run: "Dry run", "Simulación";
    import_dry_run_hint: "A dry run reports what an import would create, update and reject, writing nothing.", "Una simulación cuenta lo que la importación crearía, actualizaría y rechazaría, sin guardar nada.";
    import_start: "Import", "Importar";
    import_running: "Importing…", "Importando…";
    import_dry_running: "Dry run in progress…", "Simulación en curso…";
    import_counts: "{rows} rows: {created} new, {updated} updated, {rejected} rejected", "{rows} filas: {created} nuevas, {updated} actualizadas, {rejected} rechazadas";
    import_done: "Import finished", "Importación terminada";
    import_dry_done: "Dry run finished: nothing was written", "Simulación terminada: no se ha guardado nada";
    import_failed: "The import stopped", "La importación se ha detenido";
    import_rows: "Rows read", "Filas leídas";
    import_created: "New customers", "Clientes nuevos";
    import_updated: "Customers updated", "Clientes actualizados";
    import_rejected: "Rows rejected", "Filas rechazadas";
    import_orgs: "New organisations", "Empresas nuevas";
    import_for_real: "Import for real", "Importar de verdad";
    import_change_mapping: "Change the columns", "Cambiar las columnas";
    import_line: "Line", "Línea";
    import_reason: "Reason", "Motivo";
    import_download_rejections: "Download the rejected rows (CSV)", "Descargar las filas rechazadas (CSV)";
    import_first_shown: "The first {n} are shown.", "Se muestran las {n} primeras.";
    import_none_rejected: "No row was rejected.", "No se ha rechazado ninguna fila.";
    import_see_customers: "See the customers", "Ver los clientes";
    import_another: "Import another file", "Importar otro archivo";
    import_gone: "The uploaded file is no longer kept: upload it again.", "El archivo subido ya no se conserva: vuelve a subirlo.";
    import_columns: "Columns", "Columnas";
    field_full_name: "Full name", "Nombre completo";
    field_phone: "Phone", "Teléfono";
    field_external_id: "External id", "Id externo";
    field_country: "Country", "País";
    field_timezone: "Time zone", "Zona horaria";
    custom_fields: "Custom fields", "Campos personalizados";
    yes: "Yes", "Sí";
    no: "No", "No";
    nav_custom_fields: "Custom fields", "Campos personalizados";
    custom_fields_intro: "Fields of your own on people and organisations: they show on every form, filter and sort the lists, and import and export as columns named by their key.", "Campos propios en personas y empresas: aparecen en cada ficha, filtran y ordenan las listas, y se importan y exportan como columnas con el nombre de su clave.";
    custom_field_new: "New field", "Campo nuevo";
    custom_field_label: "Name", "Nombre";
    custom_field_key: "Key", "Clave";
    custom_field_key_hint: "For the API, filters and CSV columns; made from the name when blank. It cannot change later.", "Para la API, los filtros y las columnas CSV; si se deja en blanco se forma con el nombre. No se puede cambiar después.";
    custom_field_type: "Type", "Tipo";
    custom_field_applies: "For", "Para";
    custom_field_options: "Choices", "Opciones";
    custom_field_options_hint: "Select fields: one per line.", "Campos de selección: una por línea.";
    custom_field_currency: "Currency (money)", "Moneda (importe)";
    custom_field_add: "Add the field", "Añadir el campo";
    custom_field_values: "{n} customers have a value", "{n} clientes tienen un valor";
    custom_field_delete_confirm: "Delete this field and every customer's value of it?", "¿Eliminar este campo y el valor que tenga cada cliente?";
    custom_fields_none: "No custom fields yet.", "Aún no hay campos personalizados.";
    applies_person: "People", "Personas";
    applies_organization: "Organisations", "Empresas";
    applies_both: "People and organisations", "Personas y empresas";
    type_text: "Text", "Texto";
    type_number: "Number", "Número";
    type_money: "Money", "Importe";
    type_date: "Date", "Fecha";
    type_boolean: "Yes / no", "Sí / no";
    type_select: "Choice", "Selección";
    type_multi_select: "Several choices", "Selección múltiple";
    type_url: "Web address", "Dirección web";
    sort_name: "Name A–Z", "Nombre A–Z";
    sort_name_desc: "Name Z–A", "Nombre Z–A";
    sort_updated_desc: "Recently changed", "Modificados recientemente";
    sort_updated: "Least recently changed", "Modificados hace más tiempo";
    filter_field: "Custom field", "Campo personalizado";
    filter_value: "Value", "Valor";
    filter_min: "From", "Desde";
    filter_max: "To", "Hasta";
    views: "Views", "Vistas";
    view_save: "Save this view", "Guardar esta vista";
    view_name: "View name", "Nombre de la vista";
    view_shared: "Share with the workspace", "Compartir con el espacio de trabajo";
    view_delete: "Delete view", "Eliminar vista";
    view_all: "All", "Todos";
    interactions_title: "Interactions", "Interacciones";
    interactions_none: "No interactions yet.", "Sin interacciones todavía.";
    interactions_none_here: "No interactions on this channel.", "No hay interacciones en este canal.";
    interactions_channel: "Channel", "Canal";
    interactions_all_channels: "All channels", "Todos los canales";
    interactions_filter: "Show", "Mostrar";
    interactions_more: "Load more", "Ver más";
    interactions_newest: "Back to the newest", "Volver a las más recientes";
    interactions_loading: "Loading…", "Cargando…";
    interaction_agent: "Agent", "Agente";
    interaction_full_text: "Show it all", "Ver completo";
    interaction_message: "Show the message", "Ver el mensaje";
    today: "Today", "Hoy";
    yesterday: "Yesterday", "Ayer";
    // One string, the twelve short month names in order, split on spaces by the dates.
    months_short: "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", "ene feb mar abr may jun jul ago sept oct nov dic";
    direction_inbound: "inbound", "entrante";
    direction_outbound: "outbound", "saliente";
    channel_phone: "Phone", "Teléfono";
    channel_email: "E-mail", "Correo electrónico";
    channel_chat: "Chat", "Chat";
    channel_sms: "SMS", "SMS";
    channel_web: "Web", "Web";
    channel_web_form: "Web form", "Formulario web";
    channel_social: "Social media", "Redes sociales";
    channel_fax: "Fax", "Fax";
    channel_visit: "Visit", "Visita";
    channel_event: "Event", "Evento";
    channel_point_of_sale: "Point of sale", "Punto de venta";
    channel_survey: "Survey", "Encuesta";
    channel_campaign: "Campaign", "Campaña";
    channel_mobile_app: "Mobile app", "App móvil";
    channel_other: "Other", "Otro";
    itype_call: "Call", "Llamada";
    itype_message: "Message", "Mensaje";
    itype_complaint: "Complaint", "Reclamo";
    itype_inquiry: "Inquiry", "Consulta";
    itype_purchase: "Purchase", "Compra";
    itype_return: "Return", "Devolución";
    itype_page_view: "Page view", "Visita a página";
    itype_form_submission: "Form submission", "Envío de formulario";
    itype_survey_response: "Survey response", "Respuesta a encuesta";
    itype_campaign_response: "Campaign response", "Respuesta a campaña";
    itype_visit: "Visit", "Visita";
    itype_appointment: "Appointment", "Cita";
    itype_note: "Note", "Nota";
    itype_other: "Other", "Otro";
    pop_incoming: "Incoming call", "Llamada entrante";
    pop_outgoing: "Outgoing call", "Llamada saliente";
    pop_ringing: "Ringing…", "Sonando…";
    pop_answered: "In progress", "En curso";
    pop_answered_by: "Answered on extension", "Atendida en la extensión";
    pop_ended: "Ended", "Finalizada";
    pop_missed: "Missed", "Perdida";
    pop_close: "Close", "Cerrar";
    pop_ext: "ext.", "ext.";
    pop_queue: "queue", "cola";
    pop_withheld: "Withheld number", "Número oculto";
    pop_new_caller: "New caller", "Nuevo llamante";
    pop_new_caller_hint: "This number belongs to no customer.", "Este número no es de ningún cliente.";
    pop_create: "Create customer", "Crear cliente";
    pop_open: "Open profile", "Abrir ficha";
    pop_complaint_flag: "Open complaint: do not cross-sell", "Reclamo abierto: no ofrecer ventas cruzadas";
    pop_complaints: "Recent complaints", "Reclamos recientes";
    pop_last_contacts: "Last contacts", "Últimos contactos";
    pop_no_contacts: "No contacts yet.", "Sin contactos todavía.";
    pop_last_purchase: "Last purchase", "Última compra";
    call_duration: "Duration", "Duración";
    glance_title: "At a glance", "De un vistazo";
    settings_auto_merge: "Merge duplicates automatically above", "Fusionar duplicados automáticamente por encima de";
    settings_auto_merge_hint: "A probability from 0.5 to 1 (0.99 is cautious). Leave it blank to never merge without a person: the duplicate scan then only suggests. Every merge can be undone.", "Una probabilidad de 0,5 a 1 (0,99 es prudente). Déjalo vacío para no fusionar nunca sin una persona: el análisis de duplicados solo sugerirá. Toda fusión se puede deshacer.";
    glance_channels: "Channels", "Canales";
    glance_last_contact: "Last contact", "Último contacto";
    call_missed: "Missed call", "Llamada perdida";
    telephony_title: "Telephony", "Telefonía";
    extension_label: "Extension", "Extensión";
    extension_hint: "The phone extension you answer calls on in this workspace (like 201). Incoming calls to it pop the caller's card on your open Vinculo page.", "La extensión en la que atiendes llamadas en este espacio (por ejemplo, 201). Las llamadas que entran en ella muestran la ficha de quien llama en tu página de Vinculo abierta.";
    value_tier: "Value tier", "Nivel de valor";
    settings_tiers: "Value tiers", "Niveles de valor";
    settings_tiers_hint: "A customer's level, shown on their page, in the 360 view and on the call screen pop.", "El nivel de un cliente, que se ve en su ficha, en la vista 360 y en la ficha emergente de las llamadas.";
    tier_by_spend: "By spend", "Por gasto";
    tier_by_spend_hint: "Their purchases of the last 12 months against the minimums below, highest tier first. A customer below every minimum has no tier.", "Sus compras de los últimos 12 meses frente a los mínimos de abajo, del nivel más alto al más bajo. Un cliente por debajo de todos los mínimos no tiene nivel.";
    tier_by_field: "By a custom field", "Por un campo personalizado";
    tier_by_field_hint: "The value of a single-select field that your ERP or loyalty scheme fills (by import).", "El valor de un campo de una sola opción que rellena tu ERP o tu programa de fidelización (por importación).";
    settings_tier_field: "Field the tier is read from", "Campo del que se lee el nivel";
    settings_currency: "Currency", "Moneda";
    settings_currency_hint: "ISO code, like EUR or MXN. Purchases in another currency are not counted.", "Código ISO, como EUR o MXN. Las compras en otra moneda no se cuentan.";
    tier_row: "Tier", "Nivel";
    tier_row_name: "name", "nombre";
    tier_row_min: "minimum spend", "gasto mínimo";
    tier_min_spend: "Minimum spend", "Gasto mínimo";
    nav_inbox: "Inbox", "Bandeja";
    nav_mailboxes: "Mailboxes", "Buzones de correo";
    nav_forms: "Web forms", "Formularios web";
}
}

/// The translated name of a role.
pub fn role_name(m: &Msg, role: vinculo_domain::auth::Role) -> &'static str {
    use vinculo_domain::auth::Role;
    match role {
        Role::Admin => m.role_admin,
        Role::Manager => m.role_manager,
        Role::Agent => m.role_agent,
        Role::Sales => m.role_sales,
        Role::Marketer => m.role_marketer,
        Role::Analyst => m.role_analyst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_supported_quality() {
        assert_eq!(
            from_accept_language("en-US,en;q=0.9,es;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            from_accept_language("fr-FR, es-MX;q=0.7, en;q=0.5"),
            Some(Lang::Es)
        );
        assert_eq!(from_accept_language("fr, de"), None);
    }

    #[test]
    fn the_user_preference_wins_over_the_browser() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, "en".parse().expect("header"));
        assert_eq!(Lang::choose(Some("es"), &h), Lang::Es);
        assert_eq!(Lang::choose(None, &h), Lang::En);
        h.insert(header::COOKIE, "lang=es".parse().expect("header"));
        assert_eq!(Lang::choose(None, &h), Lang::Es);
    }
}
