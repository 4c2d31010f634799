"""A refusal in another language reads like its English twin.

Written for this test (not copied from any corpus): short replies in the wordings servers use in
Portuguese, Dutch, Czech, Turkish, Korean, Russian, Chinese, Japanese, Italian, Spanish, French
and German. Each must land where the same reply in English would.
"""

import pytest

from smtp_tui.core.explain import explain_text

# (reply line, category, side)
TRANSLATED = [
    # Portuguese
    ("550 5.1.1 Usuário desconhecido", "recipient-unknown", "theirs"),
    ("550 Destinatário inexistente", "recipient-unknown", "theirs"),
    ("552 Caixa postal está cheia", "mailbox-full", "theirs"),
    ("550 Conta desativada pelo administrador", "mailbox-disabled", "theirs"),
    ("554 Mensagem rejeitada pelo filtro", "content-policy", "yours"),
    ("421 Muitas conexões do seu servidor", "rate-limited", "yours"),
    ("451 Erro temporário, tente novamente mais tarde", "server-unavailable", "theirs"),
    ("550 Relay não permitido", "relay-denied", "unclear"),
    # Dutch
    ("550 Gebruiker bestaat niet", "recipient-unknown", "theirs"),
    ("550 Onbekende ontvanger", "recipient-unknown", "theirs"),
    ("552 Mailbox is vol", "mailbox-full", "theirs"),
    ("421 Te veel verbindingen, probeer het later opnieuw", "rate-limited", "yours"),
    ("550 Relay niet toegestaan", "relay-denied", "unclear"),
    # Czech and Turkish
    ("550 5.1.1 Uživatel neexistuje", "recipient-unknown", "theirs"),
    ("552 Schránka je plná", "mailbox-full", "theirs"),
    ("550 Kullanıcı bulunamadı", "recipient-unknown", "theirs"),
    # Korean
    ("550 존재하지 않는 계정입니다", "recipient-unknown", "theirs"),
    ("452 메일함 용량 초과", "mailbox-full", "theirs"),
    ("550 스팸으로 분류되어 거부되었습니다", "content-policy", "yours"),
    ("421 잠시 후 다시 시도해 주십시오", "server-unavailable", "theirs"),
    # Russian, Chinese and Japanese senders refused; a Russian addressee not found
    ("550 Адресат не найден", "recipient-unknown", "theirs"),
    ("550 Отправитель заблокирован", "sender-rejected", "yours"),
    ("554 发件人被拒绝", "sender-rejected", "yours"),
    ("550 送信者は拒否されました", "sender-rejected", "yours"),
    # Italian, Spanish, French and German: mailboxes, servers and senders
    ("550 Casella inesistente", "recipient-unknown", "theirs"),
    ("550 Buzón no disponible", "recipient-unknown", "theirs"),
    ("421 Il server è temporaneamente non disponibile", "server-unavailable", "theirs"),
    ("421 Servicio no disponible", "server-unavailable", "theirs"),
    ("550 Mittente non autorizzato", "sender-rejected", "yours"),
    ("554 Absender unbekannt", "sender-rejected", "yours"),
    ("550 Remitente no autorizado", "sender-rejected", "yours"),
    ("550 Expéditeur inconnu", "sender-rejected", "yours"),
    # Greylisting, block lists, logins, reverse DNS, size and relaying
    ("450 Liste grise, réessayez plus tard", "greylisted", "theirs"),
    ("451 Graue Liste: bitte später erneut versuchen", "greylisted", "theirs"),
    ("451 灰名单，请稍后重试", "greylisted", "theirs"),
    ("554 Votre adresse IP est sur une liste noire", "sender-ip-blocked", "yours"),
    ("550 Su IP está en una lista negra", "sender-ip-blocked", "yours"),
    ("550 Ваш IP в черном списке", "sender-ip-blocked", "yours"),
    ("550 发件人在黑名单中", "sender-rejected", "yours"),
    ("550 Отправитель в черном списке", "sender-rejected", "yours"),
    ("535 Authentifizierung fehlgeschlagen", "authentication", "yours"),
    ("530 Autenticazione richiesta", "authentication", "yours"),
    ("550 DNS inverse manquant", "reverse-dns", "yours"),
    ("552 Message trop volumineux", "other", "yours"),
    ("552 邮件大小超过限制", "other", "yours"),
    ("554 中継は拒否されました", "relay-denied", "unclear"),
]


@pytest.mark.parametrize(("text", "category", "side"), TRANSLATED)
def test_a_translated_refusal_reads_like_the_english_one(text, category, side):
    explanation = explain_text(text)
    assert (str(explanation.category), str(explanation.side)) == (category, side), text
