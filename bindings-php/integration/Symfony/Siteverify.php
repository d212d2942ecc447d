<?php

declare(strict_types=1);

namespace Siteverify\Integration\Symfony;

use Symfony\Component\Validator\Constraint;

/**
 * A Symfony validator constraint: the value is a CAPTCHA token that must be accepted.
 *
 * ```php
 * final class ContactForm
 * {
 *     #[Siteverify]
 *     public ?string $captchaToken = null;
 * }
 * ```
 *
 * Validated by SiteverifyValidator (a service: it needs the `Siteverify\Client`).
 * Rejected: a violation with code REJECTED_ERROR whose cause is the Outcome.
 * Inconclusive under fail-closed: UnavailableHttpException (503), not a violation.
 * An empty or null value is verified too (rejected): no NotBlank needed.
 */
#[\Attribute(\Attribute::TARGET_PROPERTY | \Attribute::TARGET_METHOD | \Attribute::IS_REPEATABLE)]
final class Siteverify extends Constraint
{
    public const REJECTED_ERROR = '9e750211-ff43-4845-a561-8119e3dc1a30';

    /** @var array<string, string> */
    protected static $errorNames = [
        self::REJECTED_ERROR => 'REJECTED_ERROR',
    ];

    /** @var string */
    public $message = 'The CAPTCHA verification failed; please try again.';

    /**
     * @param array<string, mixed>|null $options
     * @param list<string>|null         $groups
     */
    public function __construct(
        ?array $options = null,
        ?string $message = null,
        ?array $groups = null,
        mixed $payload = null,
    ) {
        parent::__construct($options ?? [], $groups, $payload);
        $this->message = $message ?? $this->message;
    }

    public function validatedBy(): string
    {
        return SiteverifyValidator::class;
    }
}
