//! What can be wrong with one field of a customer, a custom field or a list's filter. Each
//! problem has a stable snake_case [`Problem::code`] for programs and English text (its
//! `Display`, the API's `message`); the web UI translates every variant into its languages
//! (`web::customers::problems`), so a form in Spanish says what is wrong in Spanish.
use crate::identity::KeyError;
use crate::ownership::OwnerError;

/// One field's problem. The English text is what the API has always answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("required")]
    Missing,
    #[error("{0:?} is not a time like 2026-11-22T10:30:00Z")]
    NotATime(String),
    #[error("more than {minutes} minutes in the future")]
    InTheFuture { minutes: i64 },
    #[error("give customer_id or at least one of email, phone, external_id, device_id")]
    NoIdentity,
    #[error("expected a JSON object")]
    NotAnObject,
    #[error("larger than {max} bytes")]
    TooBig { max: usize },
    #[error("{0:?} is not a customer id")]
    NotACustomerId(String),
    #[error("no customer {0} in this workspace")]
    NoSuchCustomer(String),
    #[error("at most {max}")]
    TooMany { max: usize },
    /// An e-mail, phone, external id or domain that cannot be read.
    #[error("{0}")]
    Key(KeyError),
    #[error("{0}")]
    Owner(OwnerError),
    /// An owner that is neither a member nor a team of the workspace.
    #[error("no member or team {0} in this workspace")]
    NoSuchOwner(String),
    #[error("give a name, an e-mail or a phone")]
    NoName,
    #[error("an organisation needs a name")]
    NoOrganizationName,
    #[error("{value:?} is not a date like {example}")]
    NotADate {
        value: String,
        example: &'static str,
    },
    #[error("unknown stage {value:?}: use one of {}", stages.join(", "))]
    UnknownStage { value: String, stages: Vec<String> },
    #[error("a tag has 1 to {max} characters")]
    TagLength { max: usize },
    #[error("{0:?} is not an organisation id")]
    NotAnOrganizationId(String),
    #[error("no organisation {0} in this workspace")]
    NoSuchOrganization(String),
    #[error("{0:?} is not an ISO country code like ES or MX")]
    NotACountry(String),
    #[error("give at least a street, a city or a postal code")]
    AddressWithoutPlace,
    #[error("unknown size {value:?}: use one of {}", crate::customers::SIZES.join(", "))]
    NotASize { value: String },
    #[error("expected one of {0}")]
    NotOneOf(String),

    // Defining a custom field.
    #[error("{0:?} is repeated")]
    RepeatedOption(String),
    #[error("at most {max} options")]
    TooManyOptions { max: usize },
    #[error("give the field a name")]
    NoLabel,
    #[error(
        "{value:?}: use lowercase letters, digits and _, starting with a letter, at most {max}"
    )]
    BadKey { value: String, max: usize },
    #[error("the name has no letters: give a key")]
    KeyWithoutLetters,
    #[error("{0:?} is already the key of a field")]
    KeyTaken(String),
    #[error("{value:?} is not a type: use one of {}", types.join(", "))]
    UnknownType {
        value: String,
        types: Vec<&'static str>,
    },
    #[error("choose a type")]
    NoType,
    #[error("expected person, organization or both")]
    BadAppliesTo,
    #[error("a select needs at least one option")]
    NoOptions,
    #[error("only select fields have options")]
    OptionsWithoutSelect,
    #[error("{0:?} is not an ISO currency code like EUR")]
    NotACurrency(String),
    #[error("only money fields have a currency")]
    CurrencyWithoutMoney,
    #[error("{count} customers have {choice:?}: change their value before removing it")]
    ChoiceInUse { count: u64, choice: String },

    // A custom field's value.
    #[error("no custom field has this key")]
    NoSuchField,
    #[error("no custom field has the key {0:?}")]
    NoFieldWithKey(String),
    #[error("not a field for people")]
    NotForPeople,
    #[error("not a field for organisations")]
    NotForOrganizations,
    #[error("not a finite number")]
    NotFinite,
    #[error("{given:?}: this field is in {currency}")]
    OtherCurrency { given: String, currency: String },
    #[error("write {{\"amount\": minor units, \"currency\": code}} or a number")]
    MoneyShape,
    #[error("write the options as strings")]
    OptionsAsText,
    /// The JSON value's type does not fit the field (`type_name`: "number", "multi select"…).
    #[error("expected a {type_name} value")]
    WrongType { type_name: String },
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("{0:?} is not an amount")]
    NotAnAmount(String),
    #[error("amount too large")]
    AmountTooLarge,
    #[error("{0:?} is not yes or no")]
    NotYesOrNo(String),
    #[error("{value:?} is not one of: {}", options.join(", "))]
    NotAChoice { value: String, options: Vec<String> },
    #[error("{0:?} is not a web address")]
    NotAWebAddress(String),

    // Filtering and sorting a list.
    #[error("expected true or false")]
    NotTrueOrFalse,
    #[error("give a value (or use .empty=true)")]
    NoFilterValue,
    #[error("filter by one choice at a time")]
    OneChoiceAtATime,
    #[error("a range needs a number, money or date field")]
    RangeNeedsOrder,
    #[error("cannot filter on this value")]
    CannotFilter,
    #[error("a multi select field cannot be sorted on")]
    CannotSortMulti,
    #[error("this cursor belongs to a list in another order: start again without it")]
    CursorOfAnotherOrder,
    #[error("give the view a name of 1 to {max} characters")]
    ViewName { max: usize },

    // The workspace's lifecycle stages.
    #[error("give 1 to {max} stages")]
    StageCount { max: usize },
    #[error("{0:?}: a stage is 1 to 30 of a-z, 0-9 and _")]
    BadStage(String),
    #[error("{count} customers are at stage {stage:?}: move them to another stage first")]
    StageInUse { count: u64, stage: String },

    // The workspace's value tiers.
    #[error("must be more than 0")]
    NotPositive,
    #[error("must be less than the minimum of {0:?}: list the tiers highest first")]
    TierNotBelow(String),
    #[error("{0:?} is not a single-select field")]
    NotASingleSelect(String),
    #[error("the value tiers are read from this field: choose another field or basis in the customer settings first")]
    TierFieldInUse,

    // A whole row of an import.
    #[error("its e-mails, phones or ids belong to different customers: merge them first, or import the row without the keys of one")]
    KeysOfSeveralCustomers,
    #[error("the matching customer was erased during the import")]
    ErasedDuringImport,
    #[error("its keys belong to an organisation ({0}), not a person")]
    KeysOfOrganization(String),
    /// The CSV reader's own words (bad quoting, a line with the wrong number of fields…).
    #[error("unreadable row: {0}")]
    UnreadableRow(String),
    #[error("not a vCard property: {0:?}")]
    NotACardProperty(String),
    #[error("a card without END:VCARD")]
    CardWithoutEnd,

    // Merging customers.
    #[error("the survivor cannot also be merged into itself")]
    SurvivorMerged,
    #[error("listed twice")]
    Repeated,
    #[error("{0} is not one of the customers merged")]
    NotMerged(String),
    #[error("not a field to choose: use one of {}", fields.join(", "))]
    NotAMergeField { fields: Vec<String> },
    #[error("a person and an organisation cannot be merged")]
    OtherKind,

    // Connecting a mailbox.
    #[error("{0:?} is not a host name or address")]
    NotAHost(String),
    #[error("{0:?} is not a port (1 to 65535)")]
    NotAPort(String),
    #[error("an unencrypted connection is only allowed to this machine (localhost, 127.0.0.1, ::1): use tls or starttls")]
    PlainOffLoopback,
    #[error("not a PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NotACertificate,

    // Writing a canned response.
    #[error(
        "unknown placeholder {{{{{name}}}}} at line {line}, column {column}: use one of {known}"
    )]
    UnknownPlaceholder {
        name: String,
        line: usize,
        column: usize,
        known: String,
    },
    #[error("unbalanced braces at line {line}, column {column}: write a placeholder as {{{{customer.given_name}}}} on one line")]
    UnbalancedBraces { line: usize, column: usize },
    #[error("{value:?}: a shortcut is 1 to {max} letters, digits, - and _")]
    BadShortcut { value: String, max: usize },
    // Building a web form, and what a visitor sends to it.
    #[error("{0:?}: an address is 2 to 60 of a-z, 0-9 and -")]
    BadSlug(String),
    #[error("{0:?} is not a field to fill: use given_name, family_name, email, phone, organization, language, message, custom_fields.<key> or question.<key>")]
    NotATarget(String),
    #[error("add an e-mail or a phone field: a submission must say who sent it")]
    NoContactField,
    #[error("{0:?} is not an origin like https://example.com (no path, no *)")]
    NotAnOrigin(String),
    #[error("no team {0} in this workspace")]
    NoSuchTeam(String),
    #[error("no mailbox {0} in this workspace")]
    NoSuchMailbox(String),
    #[error("give an e-mail address or a phone number")]
    NoContact,
}

impl Problem {
    /// A stable name for programs (the API's field error `code`).
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            TooLong { .. } => "too_long",
            NotAHost(_) => "invalid_host",
            NotAPort(_) => "invalid_port",
            PlainOffLoopback => "unencrypted_not_local",
            NotACertificate => "invalid_certificate",
            Missing => "required",
            NotATime(_) => "invalid_time",
            InTheFuture { .. } => "in_the_future",
            NoIdentity => "no_identity",
            NotAnObject => "not_an_object",
            TooBig { .. } => "too_big",
            NotACustomerId(_) => "invalid_customer_id",
            NoSuchCustomer(_) => "no_such_customer",
            TooMany { .. } => "too_many",
            Key(KeyError::Email(_)) => "invalid_email",
            Key(KeyError::Phone { .. }) => "invalid_phone",
            Key(KeyError::External(_)) => "invalid_external_id",
            Key(KeyError::Domain(_)) => "invalid_domain",
            Owner(_) => "invalid_owner",
            NoSuchOwner(_) => "unknown_owner",
            NoName => "name_required",
            NoOrganizationName => "organization_name_required",
            NotADate { .. } => "invalid_date",
            UnknownStage { .. } => "unknown_stage",
            TagLength { .. } => "invalid_tag",
            NotAnOrganizationId(_) => "invalid_organization_id",
            NoSuchOrganization(_) => "unknown_organization",
            NotACountry(_) => "invalid_country",
            AddressWithoutPlace => "address_without_place",
            NotASize { .. } => "invalid_size",
            NotOneOf(_) => "not_one_of",
            RepeatedOption(_) => "repeated_option",
            TooManyOptions { .. } => "too_many_options",
            NoLabel => "label_required",
            BadKey { .. } => "invalid_key",
            KeyWithoutLetters => "key_required",
            KeyTaken(_) => "key_taken",
            UnknownType { .. } => "unknown_type",
            NoType => "type_required",
            BadAppliesTo => "invalid_applies_to",
            NoOptions => "options_required",
            OptionsWithoutSelect => "options_not_allowed",
            NotACurrency(_) => "invalid_currency",
            CurrencyWithoutMoney => "currency_not_allowed",
            ChoiceInUse { .. } => "choice_in_use",
            NoSuchField => "unknown_field",
            NoFieldWithKey(_) => "unknown_field",
            NotForPeople => "not_for_people",
            NotForOrganizations => "not_for_organizations",
            NotFinite => "invalid_number",
            OtherCurrency { .. } => "other_currency",
            MoneyShape => "invalid_money",
            OptionsAsText => "invalid_options",
            WrongType { .. } => "wrong_type",
            NotANumber(_) => "invalid_number",
            NotAnAmount(_) => "invalid_amount",
            AmountTooLarge => "amount_too_large",
            NotYesOrNo(_) => "invalid_boolean",
            NotAChoice { .. } => "not_a_choice",
            NotAWebAddress(_) => "invalid_url",
            NotTrueOrFalse => "invalid_boolean",
            NoFilterValue => "value_required",
            OneChoiceAtATime => "one_choice_at_a_time",
            RangeNeedsOrder => "range_not_allowed",
            CannotFilter => "cannot_filter",
            CannotSortMulti => "cannot_sort",
            CursorOfAnotherOrder => "cursor_of_another_order",
            ViewName { .. } => "invalid_name",
            StageCount { .. } => "stage_count",
            BadStage(_) => "invalid_stage",
            StageInUse { .. } => "stage_in_use",
            NotPositive => "not_positive",
            TierNotBelow(_) => "tiers_not_decreasing",
            NotASingleSelect(_) => "not_a_select",
            TierFieldInUse => "field_in_use",
            KeysOfSeveralCustomers => "keys_of_several_customers",
            ErasedDuringImport => "erased_during_import",
            KeysOfOrganization(_) => "keys_of_organization",
            UnreadableRow(_) => "unreadable_row",
            NotACardProperty(_) => "not_a_card_property",
            CardWithoutEnd => "card_without_end",
            SurvivorMerged => "survivor_merged",
            Repeated => "repeated",
            NotMerged(_) => "not_a_merged_customer",
            NotAMergeField { .. } => "unknown_field",
            OtherKind => "kind_mismatch",
            UnknownPlaceholder { .. } => "unknown_placeholder",
            UnbalancedBraces { .. } => "unbalanced_braces",
            BadShortcut { .. } => "invalid_shortcut",
            BadSlug(_) => "invalid_slug",
            NotATarget(_) => "invalid_target",
            NoContactField => "contact_field_required",
            NotAnOrigin(_) => "invalid_origin",
            NoSuchTeam(_) => "unknown_team",
            NoSuchMailbox(_) => "unknown_mailbox",
            NoContact => "contact_required",
        }
    }
}

impl From<KeyError> for Problem {
    fn from(e: KeyError) -> Self {
        Problem::Key(e)
    }
}

impl From<OwnerError> for Problem {
    fn from(e: OwnerError) -> Self {
        Problem::Owner(e)
    }
}
