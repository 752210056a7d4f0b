from django.core.exceptions import ValidationError


def add_form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_saved(form, save) -> bool:
    """Validate ``form`` and pass its cleaned data to ``save`` (a call into a service). A
    service's ValidationError lands on the form, field by field. True when it saved."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        add_form_errors(form, exc)
        return False
    return True
