"""Question preparation: bank questions tailored to the contact, screened, ranked to fit the time."""
