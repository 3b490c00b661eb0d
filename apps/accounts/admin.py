from django.contrib import admin

from apps.accounts.models import Invitation, Membership, Organization, User
from apps.core import audit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


class _AuditsMemberships:
    """Memberships given or changed in the Django admin (the system operator's way to
    grant the national coordinator role) leave an audit entry like any other."""

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        for membership in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
            audit.record(
                audit.AuditEntry.Action.CHANGE,
                user=request.user,
                organization=membership.organization,
                target=membership,
                detail={
                    "user": membership.user_id,
                    "role": membership.role,
                    "active": membership.is_active,
                    "by": "django_admin",
                },
                request=request,
            )


@admin.register(Organization)
class OrganizationAdmin(_AuditsMemberships, admin.ModelAdmin):
    list_display = ("name", "slug", "type", "region", "require_mfa")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(_AuditsMemberships, admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    exclude = ("password", "current_membership")
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The sign-in address changes only through its owner's confirmed change (allauth
        # keeps its own verified copy): an address typed here would sign in nobody, or
        # hand the account to whoever holds the new mailbox.
        return ("email",) if obj is not None else ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are written by their services only."""

    list_display = ("email", "organization", "role", "created_at", "expires_at",
                    "accepted_at", "revoked_at")  # fmt: skip
    list_filter = ("role",)
    search_fields = ("email", "organization__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
