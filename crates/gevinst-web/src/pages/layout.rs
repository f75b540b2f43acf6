//! The page layout shared by every HTML page, and the plain error page.

use crate::session::PageUser;
use askama::Template;
use gevinst_domain::Permission;

/// The logged-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    /// Name.
    pub name: String,
    /// Role label in Danish.
    pub role_label: &'static str,
    /// Tenant's display name.
    pub tenant_name: String,
    /// Whether to show the administration menu.
    pub is_admin: bool,
    /// Whether the user may do more than read (shows edit controls).
    pub can_write: bool,
}

/// Data every page's layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page title (also the `<h1>` on most pages).
    pub title: String,
    /// The user, when logged in.
    pub user: Option<NavUser>,
    /// CSRF token for forms on the page (the logout button, at least).
    pub csrf: String,
    /// The active menu item: `oversigt`, `potentialer`, `ny`, `admin`, `konto` or empty.
    pub nav: &'static str,
}

impl Layout {
    /// A layout for pages without a logged-in user.
    pub fn anonymous(title: &str) -> Self {
        Layout {
            title: title.to_owned(),
            user: None,
            csrf: String::new(),
            nav: "",
        }
    }

    /// A layout for a logged-in user.
    pub fn new(who: &PageUser, title: impl Into<String>, nav: &'static str) -> Self {
        let p = &who.principal;
        Layout {
            title: title.into(),
            user: Some(NavUser {
                name: p.user.name.clone(),
                role_label: p.user.role.label(),
                tenant_name: p.tenant.name.clone(),
                is_admin: p.actor.may_tenant_wide(Permission::Administer),
                can_write: p.actor.may_tenant_wide(Permission::Contribute),
            }),
            csrf: who.csrf.clone(),
            nav,
        }
    }
}

/// A page that only shows a title and a message.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Layout.
    pub layout: Layout,
    /// The message.
    pub message: String,
}
