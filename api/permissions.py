from rest_framework.permissions import DjangoModelPermissions

VIEW = ["%(app_label)s.view_%(model_name)s"]


class DjangoModelViewPermissions(DjangoModelPermissions):
    """DjangoModelPermissions, but reading needs the model's view permission
    too, as on the pages: any other account must not see client settings."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW}
