from django.urls import path

from pairaid.foresight import rolling_pages, views, whatif

app_name = "foresight"
urlpatterns = [
    path("p/<slug:slug>/forecasts/", views.runs, name="runs"),
    path("p/<slug:slug>/forecasts/<int:number>/", views.run, name="run"),
    path("p/<slug:slug>/forecasts/backtests/", views.start_backtest, name="backtests"),
    path("p/<slug:slug>/forecasts/backtests/<int:number>/", views.backtest, name="backtest"),
    path(
        "p/<slug:slug>/forecasts/backtests/<int:number>/status",
        views.backtest_status,
        name="backtest_status",
    ),
    path("p/<slug:slug>/forecasts/<int:number>/status", views.run_status, name="run_status"),
    path("p/<slug:slug>/forecasts/<int:number>/quantiles.csv", views.run_csv, name="run_csv"),
    path("p/<slug:slug>/forecasts/<int:number>/quantiles.xlsx", views.run_xlsx, name="run_xlsx"),
    path("p/<slug:slug>/what-if/", whatif.comparisons_page, name="comparisons"),
    path("p/<slug:slug>/what-if/<int:number>/", whatif.comparison, name="comparison"),
    path(
        "p/<slug:slug>/what-if/<int:number>/status",
        whatif.comparison_status,
        name="comparison_status",
    ),
    path(
        "p/<slug:slug>/what-if/<int:number>/comparison.csv",
        whatif.comparison_csv,
        name="comparison_csv",
    ),
    path("p/<slug:slug>/rolling/", rolling_pages.rolling_plans, name="rolling_plans"),
    path("p/<slug:slug>/rolling/<int:number>/", rolling_pages.rolling_plan, name="rolling_plan"),
    path(
        "p/<slug:slug>/rolling/<int:number>/status",
        rolling_pages.rolling_plan_status,
        name="rolling_plan_status",
    ),
    path(
        "p/<slug:slug>/rolling/<int:number>/timeline.csv",
        rolling_pages.rolling_plan_csv,
        name="rolling_plan_csv",
    ),
    # A region reference may hold a slash (an area): it comes last.
    path(
        "p/<slug:slug>/forecasts/<int:number>/<path:reference>/",
        views.recipient,
        name="recipient",
    ),
    path("p/<slug:slug>/forecast/<path:reference>/", views.latest, name="latest"),
    path("p/<slug:slug>/evaluation/", views.evaluation_page, name="evaluation"),
    path("p/<slug:slug>/evaluation.csv", views.evaluation_csv, name="evaluation_csv"),
    path(
        "p/<slug:slug>/evaluation/<path:reference>/",
        views.recipient_evaluation,
        name="recipient_evaluation",
    ),
]
