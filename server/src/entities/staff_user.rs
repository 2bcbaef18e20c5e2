use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// `admin` or `staff`.
    pub role: String,
    /// Argon2id PHC string; empty while an invited colleague has not yet
    /// chosen a password (nothing verifies against it).
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    /// Set while an administrator has the account disabled.
    pub disabled_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    /// The TOTP secret, sealed with the data key; set once confirmed.
    #[sea_orm(column_type = "Text", nullable)]
    pub totp_secret: Option<String>,
    /// A secret being set up, not yet confirmed by a code.
    #[sea_orm(column_type = "Text", nullable)]
    pub totp_pending: Option<String>,
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last TOTP time step accepted: a code is good once.
    pub totp_last_step: Option<i64>,
}

impl Model {
    /// May sign in: not disabled, and a password has been chosen.
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none() && !self.password_hash.is_empty()
    }

    pub fn status(&self) -> stipple_app::domain::states::AccountStatus {
        use stipple_app::domain::states::AccountStatus;
        if self.disabled_at.is_some() {
            AccountStatus::Disabled
        } else if self.password_hash.is_empty() {
            AccountStatus::Invited
        } else {
            AccountStatus::Active
        }
    }

    pub fn has_two_factor(&self) -> bool {
        self.totp_secret.is_some()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Every account's name by id, for showing who did what.
pub async fn names(
    db: &DatabaseConnection,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    Ok(Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}
