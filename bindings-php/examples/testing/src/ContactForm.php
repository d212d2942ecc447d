<?php

declare(strict_types=1);

namespace App;

use Siteverify\Client;

/** The application's contact form: the CAPTCHA decides, then the message is sent. */
final class ContactForm
{
    /** @var list<string> messages sent (a mailer, in a real application) */
    public array $sent = [];

    public function __construct(private readonly Client $captcha)
    {
    }

    /**
     * @param array<string, mixed> $post $_POST
     * @return int the HTTP status to answer
     */
    public function handle(array $post, ?string $remoteIp): int
    {
        $token = $post['procaptcha-response'] ?? '';
        $outcome = $this->captcha->verify(is_string($token) ? $token : '', $remoteIp);
        if (!$outcome->accepted) {
            return $outcome->conclusive ? 403 : 503;
        }
        $this->sent[] = (string) ($post['message'] ?? '');
        return 200;
    }
}
