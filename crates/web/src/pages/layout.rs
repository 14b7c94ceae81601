//! The page layout: top bar with workspace switcher and user menu, side navigation, and a
//! main area. On a phone the navigation folds behind a menu button (with JavaScript) or
//! stacks above the content (without).
use super::{csrf_field, Ctx};
use crate::i18n::{role_name, Lang, Msg};
use maud::{html, Markup, DOCTYPE};
use vinculo_domain::auth::{Access, Area};

/// Bumped with the assets so browsers fetch new CSS/JS after an upgrade.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

fn head(title: &str) -> Markup {
    html! {
        (DOCTYPE)
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        meta name="color-scheme" content="light";
        title { (title) " · Vinculo" }
        link rel="stylesheet" href={ "/assets/app.css?v=" (ASSET_VERSION) };
        link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
        script src={ "/assets/app.js?v=" (ASSET_VERSION) } defer {}
    }
}

/// One navigation entry; modules add theirs here as they arrive.
struct NavItem {
    href: &'static str,
    label: fn(&Msg) -> &'static str,
    /// Shown only to those who may read this area.
    area: Area,
}

const MAIN_NAV: &[NavItem] = &[
    NavItem {
        href: "/app",
        label: |m| m.nav_home,
        area: Area::Customers,
    },
    NavItem {
        href: "/customers",
        label: |m| m.nav_customers,
        area: Area::Customers,
    },
    NavItem {
        href: "/organizations",
        label: |m| m.nav_organizations,
        area: Area::Customers,
    },
    NavItem {
        href: "/inbox",
        label: |m| m.nav_inbox,
        area: Area::Service,
    },
];

const SETTINGS_NAV: &[NavItem] = &[
    NavItem {
        href: "/settings/users",
        label: |m| m.nav_users,
        area: Area::Users,
    },
    NavItem {
        href: "/settings/teams",
        label: |m| m.nav_teams,
        area: Area::Teams,
    },
    NavItem {
        href: "/settings/tokens",
        label: |m| m.nav_tokens,
        area: Area::Tokens,
    },
    NavItem {
        href: "/settings/customers",
        label: |m| m.nav_customer_settings,
        area: Area::Workspace,
    },
    NavItem {
        href: "/settings/custom-fields",
        label: |m| m.nav_custom_fields,
        area: Area::Workspace,
    },
    NavItem {
        href: "/settings/mailboxes",
        label: |m| m.nav_mailboxes,
        area: Area::Workspace,
    },
    NavItem {
        href: "/settings/canned-responses",
        label: |m| crate::conversations::tools_texts::for_msg(m).cr_title,
        area: Area::Service,
    },
    NavItem {
        href: "/settings/forms",
        label: |m| m.nav_forms,
        area: Area::Workspace,
    },
    NavItem {
        href: "/settings/audit",
        label: |m| m.nav_audit,
        area: Area::Audit,
    },
];

fn nav_list(ctx: &Ctx, items: &[NavItem]) -> Markup {
    html! {
        ul {
            @for item in items {
                @if item.href == "/app" || ctx.principal.can(item.area, Access::Read) {
                    @let current = ctx.path == item.href || ctx.path.starts_with(&format!("{}/", item.href));
                    li {
                        a href=(item.href) aria-current=[current.then_some("page")] {
                            ((item.label)(ctx.m))
                            @if item.href == "/inbox" { (unread_badge(ctx)) }
                        }
                    }
                }
            }
        }
    }
}

/// The inbox's unread count beside its link (nothing at zero), read out as "3 sin leer".
fn unread_badge(ctx: &Ctx) -> Markup {
    let t = crate::conversations::texts::texts(ctx.lang);
    html! {
        // Hidden at zero rather than left out: the inbox's live stream updates it in place.
        @if let Some(n) = ctx.inbox_unread {
            " " span class="nav-count" data-unread=(n) data-label=(t.unread_badge) hidden[n == 0] {
                span aria-hidden="true" { (n) }
                span class="visually-hidden" { (t.unread_badge.replace("{n}", &n.to_string())) }
            }
        }
    }
}

pub fn layout(ctx: &Ctx, title: &str, content: Markup) -> Markup {
    let m = ctx.m;
    let p = &ctx.principal;
    html! {
        html lang=(ctx.lang.code()) {
            head { (head(title)) }
            body {
                a class="skip" href="#main" { (m.skip_to_content) }
                header class="topbar" {
                    button class="menu-toggle" type="button" aria-controls="nav" aria-expanded="false" aria-label=(m.menu) hidden { span aria-hidden="true" { "☰" } span class="menu-label" { " " (m.menu) } (unread_badge(ctx)) }
                    a class="brand" href="/app" { "Vinculo" }
                    details class="dropdown ws-switcher" {
                        summary aria-label=(m.workspace) { span class="ws-name" { (p.workspace_name) } }
                        div class="dropdown-body" {
                            p class="muted small" { (m.workspace) }
                            form method="post" action="/workspaces/switch" {
                                (csrf_field(&ctx.csrf))
                                ul class="plain" {
                                    @for (ws, role) in &ctx.workspaces {
                                        li {
                                            @if ws.id == p.workspace_id {
                                                span class="current" aria-current="true" { "✓ " (ws.name) } " " span class="muted small" { (role_name(m, *role)) }
                                            } @else {
                                                button class="link" name="slug" value=(ws.slug) { (m.switch_to) " " (ws.name) } " " span class="muted small" { (role_name(m, *role)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    details class="dropdown user-menu" {
                        summary { span class="avatar" aria-hidden="true" { (initials(&p.user_name)) } span class="user-name" { (p.user_name) } }
                        div class="dropdown-body" {
                            p class="small" { (p.email) br; span class="muted" { (role_name(m, p.role)) } }
                            a href="/settings/account" { (m.nav_account) }
                            form method="post" action="/account/language" class="inline-lang" {
                                (csrf_field(&ctx.csrf))
                                input type="hidden" name="next" value=(return_path(ctx));
                                span class="muted small" { (m.language) ": " }
                                button class="link" name="locale" value="es" aria-pressed=(ctx.lang == Lang::Es) lang="es" { "Español" }
                                " · "
                                button class="link" name="locale" value="en" aria-pressed=(ctx.lang == Lang::En) lang="en" { "English" }
                            }
                            form method="post" action="/logout" {
                                (csrf_field(&ctx.csrf))
                                button class="secondary" type="submit" { (m.logout) }
                            }
                        }
                    }
                }
                div class="shell" {
                    nav id="nav" class="sidenav" aria-label=(m.menu) {
                        (nav_list(ctx, MAIN_NAV))
                        @if SETTINGS_NAV.iter().any(|i| p.can(i.area, Access::Read)) {
                            h2 class="nav-heading" { (m.nav_settings) }
                            (nav_list(ctx, SETTINGS_NAV))
                        }
                        ul { li { a href="/api/docs" { (m.nav_api_docs) } } }
                    }
                    main id="main" tabindex="-1" {
                        @if let Some(flash) = ctx.flash {
                            div class="flash ok" role="status" { (flash) }
                        }
                        (content)
                    }
                }
                @if crate::telephony::pages::listens(ctx) {
                    // Call cards land here (app.js listens while the page is open).
                    div id="screenpop" class="screenpop" data-topic="pops=1" aria-live="polite" {}
                }
            }
        }
    }
}

/// The layout of pages seen before logging in (login, setup, invitation, errors).
pub fn public_layout(lang: Lang, title: &str, content: Markup) -> Markup {
    public_shell(lang, title, "card narrow", content)
}

/// A wide public page (the API reference): room for tables, and a way back to the app.
pub fn wide_layout(lang: Lang, title: &str, content: Markup) -> Markup {
    let m = lang.msg();
    public_shell(
        lang,
        title,
        "card wide",
        html! { p class="small" { a href="/app" { "← " (m.nav_home) } } (content) },
    )
}

fn public_shell(lang: Lang, title: &str, class: &str, content: Markup) -> Markup {
    let m = lang.msg();
    html! {
        html lang=(lang.code()) {
            head { (head(title)) }
            body class="public" {
                main id="main" class=(class) {
                    p class="brand-big" { "Vinculo" }
                    (content)
                    p class="lang-switch small" {
                        (m.language) ": "
                        a href="/lang/es" lang="es" hreflang="es" { "Español" } " · " a href="/lang/en" lang="en" hreflang="en" { "English" }
                    }
                }
            }
        }
    }
}

/// Where the language switch returns to: this page when it answers GET; after a form was
/// posted (its address may be POST-only, like /settings/users/invite), the section's page.
fn return_path(ctx: &Ctx) -> String {
    if ctx.is_get {
        return ctx.path.clone();
    }
    let mut parts = ctx.path.split('/').filter(|p| !p.is_empty());
    match (parts.next(), parts.next()) {
        (Some("settings"), Some(section)) => format!("/settings/{section}"),
        _ => "/app".to_owned(),
    }
}

fn initials(name: &str) -> String {
    let s: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    if s.is_empty() {
        "?".into()
    } else {
        s.to_uppercase()
    }
}
