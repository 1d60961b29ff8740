"""POST /api/v1/auth/token/: a token for username + password (+ otp_token where required).

The password check goes through `django.contrib.auth.authenticate` with the Django request,
so django-axes counts failures and locks out exactly as on the login page (429 from
`accounts.lockout`). A user who needs a second factor (see `second_factor_required`) must
send `otp_token` (an app code or a recovery code); one who has not enrolled yet is refused:
enrolment happens on the web site.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api.errors import invalid_input_response

from .middleware import second_factor_not_required
from .second_factor import second_factor_required, second_factor_verify, totp_device_confirmed


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("Tên đăng nhập"))
    password = serializers.CharField(
        label=gettext_lazy("Mật khẩu"), style={"input_type": "password"}, trim_whitespace=False
    )
    otp_token = serializers.CharField(
        label=gettext_lazy("Mã xác thực hai bước"),
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Bắt buộc với quản trị viên, cán bộ kiểm tra: mã trong ứng dụng hoặc mã khôi phục."),
    )


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description=gettext_lazy("Sai tên đăng nhập, mật khẩu hoặc mã xác thực.")),
            403: OpenApiResponse(description=gettext_lazy("Tài khoản chưa cài xác thực hai bước.")),
            429: OpenApiResponse(description=gettext_lazy("Tạm khóa vì sai quá nhiều lần, hoặc gọi quá nhanh.")),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            return invalid_input_response({"non_field_errors": [_("Tên đăng nhập hoặc mật khẩu không đúng.")]})
        if second_factor_required(user):
            if totp_device_confirmed(user) is None:
                return Response(
                    {"detail": _("Tài khoản này phải cài xác thực hai bước trên trang web trước khi lấy token.")},
                    status=status.HTTP_403_FORBIDDEN,
                )
            if second_factor_verify(user=user, token=data.get("otp_token", "")) is None:
                return invalid_input_response(
                    {"otp_token": [_("Tài khoản này cần mã xác thực hai bước hợp lệ (otp_token).")]}
                )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


obtain_token_view = second_factor_not_required(ObtainTokenView.as_view())
