from django.contrib import admin

from pairaid.admin_figures import FiguresAdmin, FiguresInline
from pairaid.projects.models import BudgetLine, Expenditure, Project, ResultIndicator


class BudgetLineInline(FiguresInline):
    model = BudgetLine
    extra = 0


class ResultIndicatorInline(FiguresInline):
    model = ResultIndicator
    extra = 0


@admin.register(Project)
class ProjectAdmin(FiguresAdmin):
    list_display = ["title", "programme", "sector", "location", "status", "illustrative"]
    list_filter = ["programme", "sector", "status", "illustrative"]
    search_fields = ["title"]
    inlines = [BudgetLineInline, ResultIndicatorInline]


@admin.register(Expenditure)
class ExpenditureAdmin(FiguresAdmin):
    list_display = ["project", "date", "amount", "description"]
    list_filter = ["project__programme"]
