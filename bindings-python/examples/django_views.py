from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from siteverify.django import CaptchaField, attach_request, outcome_of, require_captcha


class SignupForm(forms.Form):
    email = forms.EmailField()
    captcha = CaptchaField()  # reads `procaptcha-response`; cleaned_data["captcha"] is the Outcome


def signup(request: HttpRequest) -> HttpResponse:
    form = attach_request(SignupForm(request.POST), request)  # the client IP goes with the token
    if form.is_valid():
        return JsonResponse({"status": "welcome", "email": form.cleaned_data["email"]})
    if form.has_error("captcha", code="captcha_unavailable"):  # Prosopo down: not the user's fault
        return JsonResponse({"errors": form.errors.get_json_data()}, status=503)
    return JsonResponse({"errors": form.errors.get_json_data()}, status=400)


@require_captcha  # 403 if rejected, 503 if Prosopo can't tell; the outcome is on request.siteverify
def comment(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "posted", "reason": outcome_of(request).reason})


urlpatterns = [path("signup", signup), path("comment", comment)]
