"""Seed the reference data every instance needs: levels, the four fields, the default rubric."""

from django.db import migrations

LEVELS = [
    ("province", "Cấp tỉnh", 1, False),
    ("district", "Cấp huyện (trước 01/7/2025)", 2, True),
    ("commune", "Cấp xã", 3, False),
]

FIELDS = [
    ("kinh-te", "Kinh tế", 1),
    ("van-hoa-xa-hoi", "Văn hóa - xã hội", 2),
    ("quoc-phong-an-ninh", "Quốc phòng - an ninh", 3),
    ("xay-dung-he-thong-chinh-tri", "Xây dựng hệ thống chính trị", 4),
]

CRITERIA = [
    ("tt-sang-tao", "collective", "Sáng tạo, tiết kiệm, hiệu quả", 1),
    ("tt-chap-hanh-phap-luat", "collective", "Thúc đẩy nhân dân tự giác chấp hành chủ trương, pháp luật", 2),
    ("tt-huy-dong-luc-luong", "collective", "Huy động được nhiều lực lượng tham gia", 3),
    ("tt-hai-hoa-loi-ich", "collective", "Bảo đảm hài hòa lợi ích Nhà nước, tập thể và cá nhân", 4),
    ("tt-ben-vung", "collective", "Bền vững, có khả năng nhân rộng", 5),
    ("cn-guong-mau", "individual", "Gương mẫu trong bản thân và gia đình", 1),
    ("cn-sang-kien", "individual", "Có ý tưởng, sáng kiến hay", 2),
    ("cn-giai-quyet-buc-xuc", "individual", "Góp phần giải quyết vụ việc phức tạp, tồn đọng", 3),
    ("cn-phuc-vu-nhan-dan", "individual", "Tận tụy phục vụ nhân dân", 4),
    ("cn-gia-dinh-van-hoa", "individual", "Gia đình văn hóa, hoàn thành nghĩa vụ công dân", 5),
]


def seed(apps, schema_editor):
    Level = apps.get_model("recognition", "Level")
    Field = apps.get_model("recognition", "Field")
    Criterion = apps.get_model("recognition", "Criterion")
    for code, name, rank, historical in LEVELS:
        Level.objects.update_or_create(code=code, defaults={"name": name, "rank": rank, "is_historical": historical})
    for code, name, order in FIELDS:
        Field.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for code, applies_to, name, order in CRITERIA:
        Criterion.objects.update_or_create(
            code=code, defaults={"applies_to": applies_to, "name": name, "order": order, "max_points": 20}
        )


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
