//! The organisation of "Eksempel Kommune": its units and one user per role.

use gevinst_domain::Role;

use crate::DemoUnit;

// Indexes into DEFAULT_FAGOMRAADER.
pub(crate) const BESK: usize = 0;
pub(crate) const SOC: usize = 1;
pub(crate) const TEK: usize = 2;
pub(crate) const BOERN: usize = 3;
pub(crate) const ADM: usize = 4;

// Indexes into DEFAULT_TECHNOLOGIES.
pub(crate) const RPA: usize = 0;
pub(crate) const CHATBOT: usize = 1;
pub(crate) const VIDEO: usize = 2;
pub(crate) const VELFAERD: usize = 3;
pub(crate) const SENSOR: usize = 4;
pub(crate) const TALE: usize = 5;
pub(crate) const SELVBETJENING: usize = 6;
pub(crate) const INTEGRATION: usize = 7;
pub(crate) const PROCES: usize = 8;
pub(crate) const ANDET: usize = 9;

struct OrgNode {
    name: &'static str,
    children: &'static [OrgNode],
}

const fn leaf(name: &'static str) -> OrgNode {
    OrgNode {
        name,
        children: &[],
    }
}

const ORGANISATION: &[OrgNode] = &[
    OrgNode {
        name: "Social, Sundhed og Ældre",
        children: &[
            OrgNode {
                name: "Hjemmeplejen",
                children: &[leaf("Hjemmeplejen Nord"), leaf("Hjemmeplejen Syd")],
            },
            OrgNode {
                name: "Plejecentre",
                children: &[leaf("Plejecenter Solbakken"), leaf("Plejecenter Engly")],
            },
            leaf("Sygepleje og Rehabilitering"),
            leaf("Socialpsykiatri"),
            leaf("Handicap og Udsatte Voksne"),
            leaf("Visitation og Hjælpemidler"),
        ],
    },
    OrgNode {
        name: "Børn og Unge",
        children: &[
            OrgNode {
                name: "Dagtilbud",
                children: &[leaf("Dagtilbud Øst"), leaf("Dagtilbud Vest")],
            },
            leaf("Skoler"),
            leaf("Familieafdelingen"),
            leaf("PPR"),
            leaf("Sundhedsplejen"),
        ],
    },
    OrgNode {
        name: "Teknik og Miljø",
        children: &[
            leaf("Vej og Park"),
            leaf("Byggesag"),
            leaf("Natur og Miljø"),
            leaf("Affald og Genbrug"),
            leaf("Kommunale Ejendomme"),
        ],
    },
    OrgNode {
        name: "Beskæftigelse og Borgerservice",
        children: &[
            OrgNode {
                name: "Jobcenter",
                children: &[
                    leaf("Sygedagpenge og Fleksjob"),
                    leaf("Ledige og Virksomhedsservice"),
                ],
            },
            leaf("Ydelseskontoret"),
            leaf("Borgerservice"),
            leaf("Integration og Sprog"),
            leaf("Ungeenheden"),
        ],
    },
    OrgNode {
        name: "Økonomi og Administration",
        children: &[
            leaf("Løn og Personale"),
            leaf("IT og Digitalisering"),
            leaf("Økonomi og Regnskab"),
            leaf("Indkøb og Udbud"),
            leaf("Sekretariat og Jura"),
        ],
    },
];

fn flatten_org(nodes: &'static [OrgNode], parent: Option<usize>, out: &mut Vec<DemoUnit>) {
    for node in nodes {
        out.push(DemoUnit {
            name: node.name,
            parent,
        });
        let me = out.len() - 1;
        flatten_org(node.children, Some(me), out);
    }
}

pub(crate) fn organisation() -> Vec<DemoUnit> {
    let mut out = Vec::new();
    flatten_org(ORGANISATION, None, &mut out);
    out
}

// ---------------------------------------------------------------------------------------
// Users

pub(crate) const ADMIN: usize = 0;
pub(crate) const PORTEFOLJELEDER: usize = 1;
pub(crate) const AGENT: usize = 2;
pub(crate) const LEDER: usize = 3;

/// `(e-mail, name, role, unit names)`, in the order of [`Role::ALL`].
pub(crate) const USERS: [(&str, &str, Role, &[&str]); 5] = [
    ("admin@eksempel.dk", "Mette Sørensen", Role::Admin, &[]),
    (
        "portefoljeleder@eksempel.dk",
        "Lars Nielsen",
        Role::Portefoljeleder,
        &[],
    ),
    (
        "digitalagent@eksempel.dk",
        "Sofie Jensen",
        Role::DigitalAgent,
        &["Hjemmeplejen", "Plejecentre", "Sygepleje og Rehabilitering"],
    ),
    (
        "leder@eksempel.dk",
        "Henrik Madsen",
        Role::Leder,
        &["Hjemmeplejen", "Plejecentre"],
    ),
    ("laeser@eksempel.dk", "Karen Pedersen", Role::Laeser, &[]),
];
