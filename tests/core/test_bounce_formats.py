"""The bounce reader on more layouts: each bounce here is written for the test, shaped after a
real format (Apache James, Domino, OCN's forwarded Postfix bounce, SendGrid, Sendmail V5,
Active!Hunter, Exim, Exchange 2007, Amazon SES through SNS, Postfix's postmaster notice)."""

import json

from smtp_tui.core.bounce import read_bounce

ISO_2022_JP_UNKNOWN = "ユーザー Tama (tama@receiver.example) は見つかりません。"


def only_failure(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    [failure] = read_bounce(data).failures
    return failure


def test_a_multipart_whose_boundary_line_lost_its_indent_is_still_read():
    # Apache James / Verizon: "boundary=" folded onto a line of its own, not indented; the
    # reply comes first and the recipient is named among the message's details.
    bounce = (
        "From: postmaster@gateway.example\n"
        "To: jane@sender.example\n"
        "Subject: Re: Lunch\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="outer"\n\n'
        "--outer\n"
        "Content-Type: multipart/alternative;\n"
        'boundary="inner"\n\n'
        "--inner\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
        "Error: Invalid user address\n\n"
        "Error message below:\n"
        "550 - Requested action not taken: no such user here\n\n"
        "Message details:\n"
        "  Subject: Lunch\n"
        "  MAIL FROM: jane@sender.example\n"
        "  RCPT TO: 5550100@sms.receiver.example\n"
        "  From: jane@sender.example\n\n"
        "--inner--\n\n"
        "--outer--\n"
    )
    failure = only_failure(bounce)
    assert failure.recipient == "5550100@sms.receiver.example"
    assert failure.reply_code == 550
    assert failure.diagnostic == "550 - Requested action not taken: no such user here"
    assert failure.explanation is not None
    assert failure.explanation.category == "recipient-unknown"


def test_iso_2022_jp_in_the_delivery_status_part_is_decoded():
    # Domino in Japanese: the Diagnostic-Code is ISO-2022-JP, sent as 7bit without a charset.
    jis = ISO_2022_JP_UNKNOWN.encode("iso-2022-jp")
    bounce = (
        b"From: postmaster@receiver.example\n"
        b"Subject: DELIVERY FAILURE\n"
        b"MIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nYour message was not delivered.\n\n"
        b"--b\nContent-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; domino.receiver.example\n\n"
        b"Final-Recipient: rfc822; tama@receiver.example\n"
        b"Action: failed\nStatus: 5.0.0\n"
        b"Diagnostic-Code: X-Notes; " + jis + b"\n\n--b--\n"
    )
    failure = only_failure(bounce)
    assert failure.diagnostic == ISO_2022_JP_UNKNOWN
    assert "\\x1b" not in (failure.diagnostic or "")


def test_a_bounce_forwarded_inline_after_an_mbox_line_is_read():
    # OCN: the provider's notice in plain text, then the Postfix bounce itself, pasted whole.
    bounce = (
        "To: jane@sender.example\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "From: MAILER-DAEMON@isp.example\n\n"
        "I'm sorry to have to inform you that the message returned\n"
        "below could not be delivered to one or more destinations.\n\n"
        "---------------------------------\n"
        "From MAILER-DAEMON  Mon Jun  3 10:00:00 2024\n"
        "Return-Path: <>\n"
        "From: MAILER-DAEMON@relay.isp.example (Mail Delivery System)\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
        "--r\nContent-Type: text/plain\n\n"
        "This is the mail system at host relay.isp.example.\n\n"
        "<tom@receiver.example>: host mx.receiver.example[192.0.2.25] refused to talk to\n"
        "    me: 421 Service not available, closing transmission channel\n\n"
        "--r\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; relay.isp.example\n\n"
        "Final-Recipient: rfc822; tom@receiver.example\n"
        "Action: failed\nStatus: 4.0.0\n"
        "Diagnostic-Code: X-Postfix; host mx.receiver.example[192.0.2.25] refused to\n"
        "    talk to me: 421 Service not available, closing transmission channel\n\n"
        "--r--\n"
    )
    report = read_bounce(bounce.encode())
    [failure] = report.failures
    assert (failure.recipient, failure.reply_code) == ("tom@receiver.example", 421)
    assert (failure.remote_mta, failure.smtp_command) == ("mx.receiver.example", "CONN")
    assert report.reporting_mta == "relay.isp.example"
    assert any("forwarded" in item for item in report.seen)


def test_action_expired_is_a_failure():
    # SendGrid writes "Action: expired" when it gave up on a message.
    bounce = (
        "From: MAILER-DAEMON@sendgrid.example\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="s"\n\n'
        "--s\nContent-Type: text/plain\n\nThe message could not be delivered.\n\n"
        "--s\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mta.sendgrid.example\n\n"
        "Final-Recipient: rfc822; kim@receiver.example\n"
        "Action: expired\nStatus: 4.4.7\n"
        "Diagnostic-Code: smtp; Connection timed out\n\n--s--\n"
    )
    failure = only_failure(bounce)
    assert (failure.recipient, failure.action) == ("kim@receiver.example", "failed")


def test_a_final_recipient_without_an_address_still_gives_its_fields_to_the_text():
    # Sendmail wrote "Final-Recipient: RFC822; @host": the text names the address.
    bounce = (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.example>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="q"\n\n'
        "--q\nContent-Type: text/plain\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<lou@receiver.example>\n"
        "    (reason: 550 Host unknown)\n\n"
        "--q\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.sender.example\n\n"
        "Final-Recipient: RFC822; @mx.receiver.example\n"
        "Action: failed\nStatus: 5.1.2\n"
        "Remote-MTA: DNS; gw.sender.example\n\n--q--\n"
    )
    failure = only_failure(bounce)
    assert failure.recipient == "lou@receiver.example"
    assert (failure.status, failure.remote_mta) == ("5.1.2", "gw.sender.example")
    # Sendmail's "(reason: ...)" wrapper does not leave its closing parenthesis behind.
    assert failure.diagnostic == "550 Host unknown"


def test_a_listed_address_after_three_arrows_gets_the_bare_reply_of_the_transcript():
    # Active!Hunter: ">>> address <address>", then the reply alone under the transcript rule.
    bounce = (
        "From: MAILER-DAEMON@gw.receiver.example\n"
        "Subject: FAILURE NOTICE\n"
        "Content-Type: text/plain\n\n"
        "The original message was received at Mon, 3 Jun 2024 10:00:00 +0900\n\n"
        "  ----- The following addresses had permanent fatal errors -----\n\n"
        ">>> mia@receiver.example <mia@receiver.example>\n\n"
        "  ----- Transcript of session follows -----\n"
        "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)\n"
    )
    failure = only_failure(bounce)
    assert failure.recipient == "mia@receiver.example"
    assert (failure.reply_code, failure.status) == (550, "5.1.1")


def test_a_transcript_without_a_listed_address_uses_the_original_recipient():
    # Old Sendmail: no address list; the reply alone in the transcript, the message below.
    bounce = (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.example>\n"
        "Subject: Returned mail: Cannot send message for 4 days\n\n"
        "   ----- Transcript of session follows -----\n"
        "421 receiver.example (smtp)... Deferred: Connection timed out with receiver.example\n\n"
        "   ----- Unsent message follows -----\n"
        "From: jane@sender.example\n"
        "To: ned@receiver.example\n"
        "Subject: Hello\n\n"
        "Hello\n"
    )
    failure = only_failure(bounce)
    assert (failure.recipient, failure.reply_code) == ("ned@receiver.example", 421)


def test_exim_names_the_address_as_given_before_the_malformed_one():
    bounce = (
        "From: Mail Delivery System <mailer-daemon@mx.sender.example>\n"
        "Subject: Mail failure - malformed recipient address\n\n"
        "A message that you sent contained one or more recipient addresses that were\n"
        "incorrectly constructed:\n\n"
        "  ola@receiver.example <pat@receiver.example>: malformed address: "
        "<pat@receiver.example> may not follow ola@receiver.example\n\n"
        "------ This is a copy of your message, including all the headers. ------\n\n"
        "To: ola@receiver.example <pat@receiver.example>\n"
        "Message-Id: <id-1@sender.example>\n"
        "Subject: Hi\n\n"
        "Hi\n"
    )
    failure = only_failure(bounce)
    assert failure.recipient == "pat@receiver.example"
    assert (failure.diagnostic or "").startswith("malformed address")


def test_exchange_names_the_receiving_server():
    bounce = (
        "From: postmaster@sender.example\n"
        "Subject: Undeliverable: Report\n"
        "Content-Type: text/plain\n\n"
        "Delivery has failed to these recipients or groups:\n\n"
        "quinn@receiver.example<mailto:quinn@receiver.example>\n"
        "The server has tried to deliver this message, without success.\n\n"
        "Diagnostic information for administrators:\n\n"
        "Generating server: ex1.sender.example\n"
        "Receiving server: mx.receiver.example (192.0.2.3)\n\n"
        "quinn@receiver.example\n"
        "6/3/2024 8:05:56 PM - Remote Server at mx.receiver.example (192.0.2.3) returned "
        "'550 4.4.7 QUEUE.Expired; message expired'\n"
    )
    failure = only_failure(bounce)
    assert failure.remote_mta == "mx.receiver.example"
    assert (failure.reply_code, failure.status) == (550, "4.4.7")


def test_an_ses_notification_inside_its_sns_envelope_is_read():
    notification = {
        "notificationType": "Bounce",
        "bounce": {
            "bouncedRecipients": [
                {
                    "emailAddress": "rex@receiver.example",
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "reportingMTA": "dsn; a1-2.smtp-out.ses.example",
        },
        "mail": {"commonHeaders": {"subject": "Invoice"}},
    }
    envelope = {"Type": "Notification", "Message": json.dumps(notification)}
    bounce = (
        "From: no-reply@sns.example\nSubject: AWS Notification Message\n"
        "Content-Type: text/plain\n\n" + json.dumps(envelope, indent=2) + "\n"
    )
    report = read_bounce(bounce.encode())
    [failure] = report.failures
    assert (failure.recipient, failure.reply_code) == ("rex@receiver.example", 550)
    assert report.original is not None and report.original.subject == "Invoice"


def test_postfix_postmaster_notice_reads_the_session_from_the_server_side():
    # "Postfix SMTP server: errors from ...": In: is the client, Out: this server's reply.
    bounce = (
        "From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)\n"
        "To: postmaster@mx.sender.example (Postmaster)\n"
        "Subject: Postfix SMTP server: errors from localhost[127.0.0.1]\n\n"
        "Transcript of session follows.\n\n"
        " Out: 220 mx.sender.example ESMTP\n"
        " In:  EHLO client.example\n"
        " Out: 250 mx.sender.example\n"
        " In:  MAIL FROM:<jane@client.example>\n"
        " Out: 250 2.1.0 Ok\n"
        " In:  RCPT TO:<sam@sender.example> ORCPT=rfc822;sam@sender.example\n"
        " Out: 250 2.1.5 Ok\n"
        " In:  DATA\n"
        " Out: 354 End data with <CR><LF>.<CR><LF>\n"
        " Out: 451 4.3.0 Error: queue file write error\n"
        " In:  QUIT\n"
        " Out: 221 2.0.0 Bye\n"
    )
    report = read_bounce(bounce.encode())
    assert report.format == "postfix"
    [failure] = report.failures
    assert failure.recipient == "sam@sender.example"
    assert (failure.reply_code, failure.status) == (451, "4.3.0")
    assert (failure.smtp_command, failure.remote_mta) == ("DATA", "mx.sender.example")
    assert failure.diagnostic == "451 4.3.0 Error: queue file write error"


def test_sendmail_failures_of_other_hosts_are_not_blamed_on_an_earlier_refusal():
    bounce = (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.example>\n"
        "Subject: Returned mail: User unknown\n\n"
        "   ----- Transcript of session follows -----\n"
        "While talking to mx.first.example:\n"
        ">>> MAIL From:<jane@sender.example>\n"
        "<<< 501 <jane@sender.example>... no access from mail server [192.0.2.55]\n"
        "554 <una@first.example>... Remote protocol error\n"
        "550 second.example (smtp)... 550 Host unknown\n"
        "554 <val@second.example>... 550 Host unknown (Authoritative answer from name server)\n"
    )
    una, val = read_bounce(bounce.encode()).failures
    assert (una.reply_code, una.smtp_command, una.remote_mta) == (501, "MAIL", "mx.first.example")
    assert (val.recipient, val.reply_code, val.smtp_command) == ("val@second.example", 550, None)
    assert (val.diagnostic or "").startswith("550 Host unknown")


def test_a_vague_status_in_the_reply_does_not_replace_the_reports_own():
    # "451 4.0.0" says less than "Status: 4.5.0": the report's own code stays.
    bounce = (
        "From: MAILER-DAEMON@mx.sender.example\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="w"\n\n'
        "--w\nContent-Type: text/plain\n\n"
        "   ----- The following addresses had transient non-fatal errors -----\n"
        "<wes@receiver.example>\n\n"
        "   ----- Transcript of session follows -----\n"
        "451 4.0.0 Operating system error\n\n"
        "--w\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.sender.example\n\n"
        "Final-Recipient: RFC822; wes@receiver.example\n"
        "Action: delayed\nStatus: 4.5.0\n\n--w--\n"
    )
    failure = only_failure(bounce)
    assert (failure.action, failure.status, failure.reply_code) == ("delayed", "4.5.0", 451)


def test_a_sentence_naming_server_recipient_and_reply_keeps_the_server_and_the_step():
    # "SMTP Server <mx> rejected recipient <a@b> (Error following RCPT command). ..."
    bounce = (
        "From: postmaster@gateway.sender.example\n"
        "Subject: Undeliverable message\n\n"
        "1 error(s):\n\n"
        "SMTP Server <smtp.receiver.example> rejected recipient <vic@receiver.example> "
        "(Error following RCPT command). It responded as follows: [550 5.1.1 User unknown]\n\n"
        "The attachment contains the original mail headers.\n"
    )
    failure = only_failure(bounce)
    assert (failure.remote_mta, failure.smtp_command) == ("smtp.receiver.example", "RCPT")
    assert failure.diagnostic == "550 5.1.1 User unknown"


def test_zoho_gives_the_reply_code_after_responsecode():
    bounce = (
        "From: mailer-daemon@zoho.example\n"
        "Subject: Undelivered Mail Returned to Sender\n\n"
        "----- The following addresses had fatal errors -----\n"
        "[Status: Error, Address: <wim@receiver.example>, ResponseCode 421, , "
        "Host not reachable.]\n\n"
        "Message will be retried for 4 more day(s)\n"
    )
    failure = only_failure(bounce)
    assert (failure.recipient, failure.reply_code) == ("wim@receiver.example", 421)


def test_a_pipelined_refusal_after_data_answered_rcpt_to():
    # Sendmail sent MAIL, RCPT and DATA at once: the 550 is RCPT's reply, the 503 DATA's.
    bounce = (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.example>\n"
        "Subject: Returned mail: see transcript for details\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<xia@receiver.example>\n"
        "    (reason: 550 5.1.1 <xia@receiver.example>... User unknown)\n\n"
        "   ----- Transcript of session follows -----\n"
        "... while talking to mx.receiver.example.:\n"
        ">>> DATA\n"
        "<<< 550-5.1.1 The email account that you tried to reach does not exist.\n"
        "<<< 550 5.1.1 Please check the address.\n"
        "550 5.1.1 <xia@receiver.example>... User unknown\n"
        "<<< 503 5.5.1 RCPT first\n"
    )
    failure = only_failure(bounce)
    assert (failure.smtp_command, failure.reply_code) == ("RCPT", 550)
    assert failure.remote_mta == "mx.receiver.example"


def test_a_refusal_of_data_alone_stays_data():
    bounce = (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.example>\n"
        "Subject: Returned mail: see transcript for details\n\n"
        "   ----- Transcript of session follows -----\n"
        "... while talking to mx.receiver.example.:\n"
        ">>> DATA\n"
        "<<< 552-5.7.0 This message was blocked because its content presents a potential\n"
        "<<< 552 5.7.0 security issue.\n"
        "554 5.0.0 Service unavailable\n"
        "   ----- Unsent message follows -----\n"
        "To: yan@receiver.example\n"
        "Subject: Hi\n\n"
        "Hi\n"
    )
    failure = only_failure(bounce)
    assert (failure.recipient, failure.smtp_command) == ("yan@receiver.example", "DATA")
    assert failure.reply_code == 552
