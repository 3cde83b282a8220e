from rest_framework.permissions import BasePermission, DjangoModelPermissions

VIEW = ["%(app_label)s.view_%(model_name)s"]


class DjangoModelViewPermissions(DjangoModelPermissions):
    """DjangoModelPermissions, but reading needs the model's view permission
    too, as on the pages: any other account must not see client settings."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW}


class CanReadClients(BasePermission):
    """clients.view_client, for views without a queryset (the OpenAPI schema):
    describing the data is for those who may read it."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("clients.view_client"))
