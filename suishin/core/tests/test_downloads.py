"""Downloads are named for people (UTF-8) with an ASCII name for clients that cannot read it."""

from suishin.core.downloads import attachment_disposition, file_response


def test_utf8_name_and_ascii_fallback():
    assert attachment_disposition("上里町_工程表_2023年度版.pdf", "roadmap-113859-2023.pdf") == (
        'attachment; filename="roadmap-113859-2023.pdf"; '
        "filename*=UTF-8''%E4%B8%8A%E9%87%8C%E7%94%BA_%E5%B7%A5%E7%A8%8B%E8%A1%A8_2023%E5%B9%B4%E5%BA%A6%E7%89%88.pdf"
    )


def test_fallback_keeps_printable_ascii_only_and_the_name_is_fully_quoted():
    value = attachment_disposition('a"; b\r\n.pdf', 'x"\\y\r\n町.pdf')

    assert value == "attachment; filename=\"xy.pdf\"; filename*=UTF-8''a%22%3B%20b%0D%0A.pdf"


def test_file_response_sets_type_and_disposition():
    response = file_response(b"%PDF-", "application/pdf", filename="表.pdf", ascii_fallback="table.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="table.pdf"; ')
    assert response.content == b"%PDF-"
