//! Staff accounts and their roles.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::password::NewPassword;
use crate::entities::staff_user as entity;

/// What a staff member may do. `Admin` includes everything `Staff` may.
pub use stipple_app::domain::states::Role;

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("a staff account with this e-mail already exists")]
    Exists,
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Creates a staff account (`stipple create-staff`).
pub async fn create(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &NewPassword,
) -> Result<entity::Model, CreateError> {
    let email = normalise_email(email);
    if stipple_app::domain::email_address(&email).is_err() {
        return Err(CreateError::Invalid("the e-mail address is not valid"));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
        return Err(CreateError::Invalid(
            "the name must be one line of 1 to 120 characters",
        ));
    }
    if find_by_email(db, &email).await?.is_some() {
        return Err(CreateError::Exists);
    }
    let hash = password.hash();
    let row = entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email),
        name: Set(name.to_string()),
        role: Set(role.as_str().to_string()),
        password_hash: Set(hash),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
        last_login_at: Set(None),
        totp_secret: Set(None),
        totp_pending: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
    };
    Ok(entity::Entity::insert(row).exec_with_returning(db).await?)
}

pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<entity::Model>, sea_orm::DbErr> {
    entity::Entity::find()
        .filter(entity::Column::Email.eq(normalise_email(email)))
        .one(db)
        .await
}

pub async fn find(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<entity::Model>, sea_orm::DbErr> {
    entity::Entity::find_by_id(id).one(db).await
}

/// Replaces the account's password hash (made by [`NewPassword::hash`]).
pub async fn set_password_hash(
    db: &impl sea_orm::ConnectionTrait,
    id: Uuid,
    hash: String,
) -> Result<(), sea_orm::DbErr> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(hash),
        )
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Every account, by name.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<entity::Model>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    entity::Entity::find()
        .order_by_asc(entity::Column::Name)
        .all(db)
        .await
}

/// Sets one column of one account.
pub async fn set(
    db: &impl sea_orm::ConnectionTrait,
    id: Uuid,
    column: entity::Column,
    value: impl Into<sea_orm::Value>,
) -> Result<(), sea_orm::DbErr> {
    entity::Entity::update_many()
        .col_expr(column, sea_orm::sea_query::Expr::value(value.into()))
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
