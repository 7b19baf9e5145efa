"""Dates: today (one injectable place), the working-day calendar and its estimate of holidays."""
