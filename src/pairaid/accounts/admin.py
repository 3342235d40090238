from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from pairaid.accounts.models import Membership, User
from pairaid.admin_figures import FiguresAdmin, FiguresInline


class MembershipInline(FiguresInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["region", "facility"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, FiguresAdmin):
    list_display = ["username", "email", "is_platform_admin", "is_demo_account", "is_active"]
    list_filter = ["is_platform_admin", "is_demo_account", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("PairAid", {"fields": ("is_platform_admin", "is_demo_account", "phone")}),
    )
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(FiguresAdmin):
    list_display = ["user", "programme", "role", "region", "facility"]
    list_filter = ["programme", "role"]
    search_fields = ["user__username", "region__name_en", "facility__name"]
    autocomplete_fields = ["region", "facility"]
    list_select_related = ["user", "programme", "region", "facility"]
