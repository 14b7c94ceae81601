//! People in a workspace: invitations (the link an admin sends), accepting them, listing
//! members, and changing a member's role or access.
use crate::auth::{hash, NewSession};
use crate::secrets::{new_secret, sha256};
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Email, Password, PersonName, Role};
use vinculo_domain::ids::{InviteId, UserId};
use vinculo_store::invites::Invite;
use vinculo_store::users::{Member, NewUser};
use vinculo_store::{invites, users, workspaces, Cursor, Page};

/// Prefix of invitation secrets.
pub const INVITE_PREFIX: &str = "vni_";

pub async fn list(
    app: &App,
    actor: &Principal,
    role: Option<Role>,
    after: Option<Cursor>,
    limit: u64,
) -> Result<Page<Member>, AppError> {
    actor.require(Area::Users, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(users::list_members(
        &mut conn,
        actor.workspace_id,
        role,
        after,
        limit.clamp(1, 200),
    )
    .await?)
}

/// A member of the actor's workspace (anyone may read their own membership).
pub async fn get(app: &App, actor: &Principal, id: UserId) -> Result<Member, AppError> {
    if id != actor.user_id {
        actor.require(Area::Users, Access::Read)?;
    }
    let mut conn = app.db.conn().await?;
    users::member(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("user"))
}

/// A created invitation and the secret for its link (shown once).
pub struct CreatedInvite {
    pub invite: Invite,
    pub secret: String,
}

pub async fn invite(
    app: &App,
    actor: &Principal,
    email: &str,
    role: Role,
) -> Result<CreatedInvite, AppError> {
    actor.require(Area::Users, Access::Write)?;
    let email = Email::parse(email).map_err(|e| AppError::invalid("email", e))?;
    let at = now();
    let mut tx = app.db.begin().await?;
    if users::member_by_email(&mut tx, actor.workspace_id, email.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict {
            field: "email".into(),
        });
    }
    let secret = new_secret(INVITE_PREFIX);
    let invite = Invite {
        id: InviteId::new(),
        workspace_id: actor.workspace_id,
        email: email.to_string(),
        role,
        invited_by: actor.user_id,
        created_at: at,
        expires_at: at + app.config.invite_ttl,
        accepted_at: None,
        revoked_at: None,
    };
    invites::insert(&mut tx, &invite, &sha256(&secret)).await?;
    let expires = invite
        .expires_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let after = json!({"email": invite.email, "role": role.as_str(), "expires_at": expires});
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "invite",
        invite.id,
        &json!(null),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedInvite { invite, secret })
}

pub async fn list_invites(app: &App, actor: &Principal) -> Result<Vec<Invite>, AppError> {
    actor.require(Area::Users, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(invites::list(&mut conn, actor.workspace_id).await?)
}

pub async fn revoke_invite(app: &App, actor: &Principal, id: InviteId) -> Result<(), AppError> {
    actor.require(Area::Users, Access::Write)?;
    let mut tx = app.db.begin().await?;
    if !invites::revoke(&mut tx, actor.workspace_id, id, now()).await? {
        return Err(AppError::NotFound("open invitation"));
    }
    let (before, after) = (json!({"status": "pending"}), json!({"status": "withdrawn"}));
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "invite",
        id,
        &before,
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What an invitation link shows before it is accepted.
pub struct InviteInfo {
    pub invite: Invite,
    pub workspace_name: String,
    /// The invited e-mail already has an account: accepting asks for its password.
    pub existing_account: bool,
}

pub async fn invite_info(app: &App, secret: &str) -> Result<InviteInfo, AppError> {
    let mut conn = app.db.conn().await?;
    let invite = invites::find_open_by_hash(&mut conn, &sha256(secret), now())
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    let ws = workspaces::by_id(&mut conn, invite.workspace_id)
        .await?
        .ok_or(AppError::NotFound("workspace"))?;
    let existing_account = users::credentials_by_email(&mut conn, &invite.email)
        .await?
        .is_some();
    Ok(InviteInfo {
        invite,
        workspace_name: ws.name,
        existing_account,
    })
}

/// Accepts an invitation: a new person chooses a name and password; a person who already
/// has an account proves it with their password. Either way they are logged in.
pub async fn accept_invite(
    app: &App,
    secret: &str,
    name: &str,
    password: &str,
    client: &crate::auth::ClientInfo,
) -> Result<NewSession, AppError> {
    let info = invite_info(app, secret).await?;
    let invite = info.invite;
    let at = now();
    if !info.existing_account {
        let name = PersonName::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let password = Password::parse(password).map_err(|e| AppError::invalid("password", e))?;
        let phc = hash(app, &password).await?;
        let mut tx = app.db.begin().await?;
        let id = UserId::new();
        users::insert(
            &mut tx,
            &NewUser {
                id,
                email: &invite.email,
                name: name.as_str(),
                password_hash: &phc,
                locale: None,
                at,
            },
        )
        .await?;
        join(&mut tx, &invite, id, name.as_str(), at).await?;
        tx.commit().await?;
    } else {
        // Check the password through the normal login path (rate limits included) first.
        crate::auth::login(app, &invite.email, password, client)
            .await
            .map_err(|e| match e {
                AppError::BadCredentials => AppError::Invalid {
                    field: "password",
                    message: "that is not the password of this account".into(),
                },
                other => other,
            })?;
        let mut tx = app.db.begin().await?;
        let user = users::credentials_by_email(&mut tx, &invite.email)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        join(&mut tx, &invite, user.id, &user.name, at).await?;
        tx.commit().await?;
    }
    let session = crate::auth::login_after_invite(app, &invite, client).await?;
    Ok(session)
}

async fn join(
    tx: &mut vinculo_store::Conn,
    invite: &Invite,
    user: UserId,
    name: &str,
    at: time::OffsetDateTime,
) -> Result<(), AppError> {
    if !invites::mark_accepted(tx, invite.workspace_id, invite.id, at).await? {
        return Err(AppError::NotFound("invitation"));
    }
    users::insert_membership(tx, invite.workspace_id, user, invite.role, at).await?;
    let ws = workspaces::by_id(tx, invite.workspace_id)
        .await?
        .ok_or(AppError::NotFound("workspace"))?;
    // The new member is the actor of their own joining.
    let actor = Principal::new(
        (user, name, &invite.email),
        None,
        &ws,
        invite.role,
        crate::Via::Session {
            token_hash: Vec::new(),
        },
    );
    let after = json!({"email": invite.email, "name": name, "role": invite.role.as_str(), "invite": invite.id.to_string()});
    audit::record(
        tx,
        &actor,
        AuditAction::Create,
        "member",
        user,
        &json!(null),
        &after,
    )
    .await
}

/// Changes a member's role and/or disables them. The last active admin cannot be demoted
/// or disabled: a workspace must always have someone who can administer it.
pub async fn update_member(
    app: &App,
    actor: &Principal,
    id: UserId,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<Member, AppError> {
    actor.require(Area::Users, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = users::member(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let new_role = role.unwrap_or(before.role);
    let new_disabled = disabled.unwrap_or(before.disabled);
    let loses_admin =
        before.role == Role::Admin && !before.disabled && (new_role != Role::Admin || new_disabled);
    if loses_admin && users::count_active_admins(&mut tx, actor.workspace_id).await? <= 1 {
        return Err(AppError::State(
            "this is the workspace's last admin; make someone else admin first".into(),
        ));
    }
    users::update_membership(&mut tx, actor.workspace_id, id, new_role, new_disabled).await?;
    if new_disabled {
        vinculo_store::sessions::delete_for_user_except(&mut tx, id, None).await?;
    }
    let b = json!({"role": before.role.as_str(), "disabled": before.disabled});
    let a = json!({"role": new_role.as_str(), "disabled": new_disabled});
    audit::record(&mut tx, actor, AuditAction::Update, "member", id, &b, &a).await?;
    tx.commit().await?;
    app.invalidate_principals();
    Ok(Member {
        role: new_role,
        disabled: new_disabled,
        ..before
    })
}
